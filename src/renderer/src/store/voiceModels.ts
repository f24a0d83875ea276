// The owner's voice models in the renderer's mirror: the catalog with what is
// installed, chosen and in use (listVoiceModels), and the download under way
// (the 'voiceModelDownload' event). Settings > Voice and the setup screen's
// voice step read them; the actions below are what those screens ask main for.
import type {
  RecognizerTest,
  VoiceModelDownload,
  VoiceModelList,
} from '../../../shared/voiceModelsSchema';
import type { HearthTransport } from '../../../shared/transport';
import type { VoiceAvailability } from '../../../shared/voiceSchema';
import type { StoreApi } from 'zustand/vanilla';

export interface VoiceModelsSlice {
  /** Owner only: the voice catalog, what is chosen and in use, once asked for. */
  voiceModels: VoiceModelList | null;
  /** Owner only: the voice model download under way, or the last one. */
  voiceDownload: VoiceModelDownload | null;
  /**
   * What Hearth last said it can hear and speak ('voiceAvailability'): when a
   * chosen model fails to load, this changes and Settings asks for the list again.
   */
  voiceAvailability: VoiceAvailability | null;
}

export const initialVoiceModels: VoiceModelsSlice = {
  voiceModels: null,
  voiceDownload: null,
  voiceAvailability: null,
};

/** A job still moving: its models are not installed yet, and Cancel applies. */
export function isVoiceDownloadUnderWay(
  download: VoiceModelDownload | null,
): download is VoiceModelDownload {
  return (
    download !== null &&
    (download.state === 'downloading' ||
      download.state === 'verifying' ||
      download.state === 'unpacking')
  );
}

/** What a 'voiceModelDownload' event changes: the download, and the list's copy of it. */
export function withVoiceDownload(
  state: VoiceModelsSlice,
  download: VoiceModelDownload,
): Partial<VoiceModelsSlice> {
  return {
    voiceDownload: download,
    voiceModels: state.voiceModels && { ...state.voiceModels, download },
  };
}

/** The recognizer Test's outcome: what was heard, or the one sentence why not. */
export type RecognizerTestOutcome = { ok: true; test: RecognizerTest } | { ok: false; why: string };

export interface VoiceModelActions {
  /**
   * Owner only: the catalog, choices and download. `quiet` leaves a failure
   * unreported (the setup screen's optional step must never stand in the way).
   */
  loadVoiceModels(options?: { quiet?: boolean }): Promise<void>;
  /** Owner only: one job for these ids; resolves with the sentence why it did not start. */
  downloadVoiceModels(ids: string[]): Promise<string | undefined>;
  cancelVoiceModelDownload(): Promise<void>;
  /** Owner only: deletes one, then asks for the list again; resolves with why it failed. */
  removeVoiceModel(id: string): Promise<string | undefined>;
  testRecognizer(): Promise<RecognizerTestOutcome>;
}

const why = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createVoiceModelActions(
  transport: HearthTransport,
  store: StoreApi<VoiceModelsSlice>,
  fail: (error: unknown) => void,
): VoiceModelActions {
  const { setState: set } = store;
  const actions: VoiceModelActions = {
    async loadVoiceModels(options = {}) {
      try {
        const voiceModels = await transport.call('listVoiceModels', {});
        set({ voiceModels, voiceDownload: voiceModels.download });
      } catch (error) {
        if (!options.quiet) fail(error);
      }
    },
    async downloadVoiceModels(ids) {
      const before = store.getState().voiceDownload;
      try {
        const download = await transport.call('downloadVoiceModels', { ids });
        // Events about this job may have arrived before the reply: they are newer.
        set((state) => (state.voiceDownload === before ? withVoiceDownload(state, download) : {}));
        return undefined;
      } catch (error) {
        return why(error);
      }
    },
    async cancelVoiceModelDownload() {
      await transport.call('cancelVoiceModelDownload', {}).catch(fail);
    },
    async removeVoiceModel(id) {
      try {
        await transport.call('removeVoiceModel', { id });
      } catch (error) {
        return why(error);
      }
      // No event says so: the list is asked for again.
      await actions.loadVoiceModels();
      return undefined;
    },
    async testRecognizer() {
      try {
        return { ok: true, test: await transport.call('testRecognizer', {}) };
      } catch (error) {
        return { ok: false, why: why(error) };
      }
    },
  };
  return actions;
}
