// The shape of the renderer's mirror of main's state, and where it starts.
import type { ClientRole } from '../../../shared/role';
import type {
  Conversation,
  ConversationStarter,
  ConversationSummary,
  CoolingCheckReport,
  ModelDownload,
  ModelFile,
  ModelList,
  ModelStatus,
  PairedDevice,
  PairingInfo,
  Settings,
  ThermalReading,
  ThermalStatus,
  Theme,
} from '../../../shared/api';
import type { LinkState } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import { initialVoiceModels, type VoiceModelsSlice } from './voiceModels';
import { initialVoice, type VoiceSlice } from './voiceSlice';

export interface QueueInfo {
  position: number;
  reason?: string;
}

/** A conversation this screen just deleted, while its Undo is offered. */
export interface DeletedConversation {
  id: string;
  title: string;
  /** It was the open one: Undo opens it again. */
  wasOpen: boolean;
}

/** A prompt the server has not confirmed yet: typed while offline, or cut off in flight. */
export interface PendingPrompt {
  /** This page's own key for it. */
  key: number;
  conversationId: string;
  text: string;
  /** It was sent and the link dropped before the reply: the server may have it already. */
  inDoubt: boolean;
  /** The user messages the conversation had when it was sent: a new one with its text is it. */
  before: string[];
}

/** The voice fields (voiceState, level, the two switches, micError) are store/voice.ts's. */
export interface HearthState extends VoiceSlice, VoiceModelsSlice {
  link: LinkState;
  /** True once this session's state has arrived (its snapshot); false while a new one starts. */
  synced: boolean;
  /** What this client may do: pairing phones and checking cooling are the owner's. */
  role: ClientRole | null;
  /** This client as conversations name their starter (from the snapshot): who may delete what. */
  viewer: ConversationStarter | null;
  model: ModelStatus | null;
  thermal: ThermalStatus | null;
  /** Recent readings for the gauge's trend line, oldest first. */
  trend: ThermalReading[];
  conversations: ConversationSummary[];
  current: Conversation | null;
  /** Why queued answers wait, by message id. */
  queue: Record<string, QueueInfo>;
  coolingCheck: CoolingCheckReport | null;
  /** The last action that failed, in words, until dismissed or superseded. */
  problem: string | null;
  /** The conversation just deleted here, while Undo is offered (a few seconds). */
  undo: DeletedConversation | null;
  /** Prompts waiting to be sent or confirmed, oldest first. */
  pending: PendingPrompt[];
  /** Owner only: the pairing URL shown as a QR code, once asked for. */
  pairing: PairingInfo | null;
  /** Owner only: the paired phones, once asked for. */
  devices: PairedDevice[] | null;
  /** Owner only: the catalog, installed models and unfinished downloads, once asked for. */
  models: ModelList | null;
  /** Owner only: .gguf files that can be loaded (models folder, USB sticks), once asked for. */
  modelFiles: ModelFile[] | null;
  /** Owner only: the download or copy under way, or the last one. */
  download: ModelDownload | null;
  /** Owner only: the settings, once asked for. */
  settings: Settings | null;
  /** The colours every screen follows. */
  theme: Theme;
}

export const initialState: HearthState = {
  link: { state: 'connecting' },
  synced: false,
  role: null,
  viewer: null,
  model: null,
  thermal: null,
  trend: [],
  conversations: [],
  current: null,
  queue: {},
  coolingCheck: null,
  problem: null,
  undo: null,
  pending: [],
  pairing: null,
  devices: null,
  models: null,
  modelFiles: null,
  download: null,
  settings: null,
  theme: 'system',
  ...initialVoice,
  ...initialVoiceModels,
};

/** Records a failed action as the problem shown to the user. */
export function reportProblem(store: StoreApi<HearthState>, error: unknown): void {
  store.setState({ problem: error instanceof Error ? error.message : String(error) });
}
