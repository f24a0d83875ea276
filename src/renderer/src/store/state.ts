// The shape of the renderer's mirror of main's state, and where it starts.
import type {
  Conversation,
  ConversationSummary,
  CoolingCheckReport,
  ModelStatus,
  ThermalReading,
  ThermalStatus,
} from '../../../shared/api';
import type { LinkState } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';

export interface QueueInfo {
  position: number;
  reason?: string;
}

export interface HearthState {
  link: LinkState;
  /** True once a snapshot has arrived over the current link. */
  synced: boolean;
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
}

export const initialState: HearthState = {
  link: { state: 'connecting' },
  synced: false,
  model: null,
  thermal: null,
  trend: [],
  conversations: [],
  current: null,
  queue: {},
  coolingCheck: null,
  problem: null,
};

/** Records a failed action as the problem shown to the user. */
export function reportProblem(store: StoreApi<HearthState>, error: unknown): void {
  store.setState({ problem: error instanceof Error ? error.message : String(error) });
}
