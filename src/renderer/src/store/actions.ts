// What the UI can ask for. Each action reports its failure as the store's problem
// instead of throwing into a click handler. Replies may lag behind the events that
// describe the same change, so they only add what is not there yet.
import type { CommandArgs, KioskExitOutcome, SettingsChange } from '../../../shared/api';
import { HearthCallError, type HearthTransport } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import type { DeleteUndo } from './deleteUndo';
import { applyEvent } from './events';
import type { ConversationOpener } from './navigation';
import type { PromptOutbox } from './outbox';
import { activeAnswer } from './reducers';
import { reportProblem, type HearthState } from './state';
import { createVoiceModelActions, type VoiceModelActions } from './voiceModels';

/** Voice model downloads, choices and the recognizer Test are in voiceModels.ts. */
export interface HearthActions extends VoiceModelActions {
  /** Resolves true when the prompt was accepted, or waits to be sent (the link is down). */
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  newConversation(): Promise<void>;
  openConversation(id: string): Promise<void>;
  /** Deletes it, then offers Undo for a few seconds (the store's `undo`). */
  deleteConversation(id: string): Promise<void>;
  /** Brings back the conversation whose Undo is offered, and opens it if it was open. */
  undoDelete(): Promise<void>;
  startCoolingCheck(durationSec: number): Promise<void>;
  stopCoolingCheck(): Promise<void>;
  retry(): void;
  dismissProblem(): void;
  /** Owner only: the pairing URL for a phone. */
  loadPairing(): Promise<void>;
  /** Owner only: the paired phones. */
  loadDevices(): Promise<void>;
  /** Owner only: a phone's token stops working and its connections close. */
  forgetDevice(deviceId: string): Promise<void>;
  /** Owner only: the catalog (with this machine's fit), installed models, a download under way. */
  loadModels(): Promise<void>;
  /** Owner only: starts a download; its progress arrives as the store's `download`. */
  downloadModel(choice: CommandArgs<'downloadModel'>): Promise<void>;
  cancelDownload(): Promise<void>;
  /** Owner only: .gguf files in the models folder and on USB sticks. */
  loadModelFiles(): Promise<void>;
  /** Owner only: switches to a listed file (copied in first from a USB stick). */
  useModelFile(path: string): Promise<void>;
  /**
   * Owner only: deletes an installed model or an unfinished download from the
   * models folder, then reloads the lists that show it.
   */
  removeModel(fileName: string): Promise<void>;
  /** Owner only. */
  loadSettings(): Promise<void>;
  /**
   * Owner only: validates, saves and applies a change. Resolves with the names of
   * changed settings that need a restart, or null when the change was refused
   * (the reason is the store's problem).
   */
  updateSettings(change: SettingsChange): Promise<string[] | null>;
  /**
   * Owner only: leaves kiosk mode with the PIN set in Settings. Resolves with
   * what the kiosk said, or null when the call failed (the reason is the store's problem).
   */
  exitKiosk(pin: string): Promise<KioskExitOutcome | null>;
  /**
   * Owner only: replaces the owner secret, signing out every browser that opened
   * the owner page. Resolves 'done', 'cut off' when this link dropped before the
   * reply (an owner browser is signed out with the others), or null when refused
   * (the reason is the store's problem).
   */
  rotateOwnerSecret(): Promise<'done' | 'cut off' | null>;
}

export function createActions(
  transport: HearthTransport,
  store: StoreApi<HearthState>,
  opener: ConversationOpener,
  outbox: PromptOutbox,
  undo: DeleteUndo,
): HearthActions {
  const { getState: get, setState: set } = store;
  const fail = (error: unknown): void => reportProblem(store, error);

  const actions: HearthActions = {
    ...createVoiceModelActions(transport, store, fail),
    async send(text) {
      const conversation = get().current;
      const trimmed = text.trim();
      if (!conversation || !trimmed) return false;
      return outbox.send(conversation.id, trimmed);
    },
    async stop() {
      const conversation = get().current;
      if (!conversation || !activeAnswer(conversation)) return;
      await transport.call('stop', { conversationId: conversation.id }).catch(fail);
    },
    async newConversation() {
      await opener.create().catch(fail);
    },
    async openConversation(id) {
      await opener.open(id).catch(fail);
    },
    async deleteConversation(id) {
      try {
        const { current, conversations } = get();
        const title = conversations.find((c) => c.id === id)?.title ?? current?.title ?? '';
        await transport.call('deleteConversation', { id });
        set((state) => applyEvent(state, { type: 'conversationDeleted', conversationId: id }));
        undo.offer({ id, title, wasOpen: current?.id === id });
        if (get().current === null) await opener.openFallback();
      } catch (error) {
        fail(error);
      }
    },
    async undoDelete() {
      const offered = undo.take();
      if (!offered) return;
      try {
        const summary = await transport.call('undoDelete', { id: offered.id });
        // The 'conversations' event says so too; this is for the screen that asked.
        set((state) =>
          state.conversations.some((c) => c.id === summary.id)
            ? {}
            : { conversations: [summary, ...state.conversations] },
        );
        if (offered.wasOpen) await opener.open(summary.id);
      } catch (error) {
        fail(error);
      }
    },
    async startCoolingCheck(durationSec) {
      try {
        set({ coolingCheck: await transport.call('startCoolingCheck', { durationSec }) });
      } catch (error) {
        fail(error);
      }
    },
    async stopCoolingCheck() {
      try {
        set({ coolingCheck: await transport.call('stopCoolingCheck', {}) });
      } catch (error) {
        fail(error);
      }
    },
    retry: () => transport.retry(),
    dismissProblem: () => set({ problem: null }),
    async loadPairing() {
      try {
        set({ pairing: await transport.call('getPairing', {}) });
      } catch (error) {
        fail(error);
      }
    },
    async loadDevices() {
      try {
        set({ devices: await transport.call('listDevices', {}) });
      } catch (error) {
        fail(error);
      }
    },
    async forgetDevice(deviceId) {
      try {
        await transport.call('forgetDevice', { deviceId });
        // The 'devices' event says so too; this is for the screen that asked.
        set((state) => ({ devices: state.devices?.filter((d) => d.id !== deviceId) ?? null }));
      } catch (error) {
        fail(error);
      }
    },
    async loadModels() {
      try {
        const models = await transport.call('listModels', {});
        set({ models, download: models.download });
      } catch (error) {
        fail(error);
      }
    },
    async downloadModel(choice) {
      try {
        set({ download: await transport.call('downloadModel', choice) });
      } catch (error) {
        fail(error);
      }
    },
    async cancelDownload() {
      await transport.call('cancelDownload', {}).catch(fail);
    },
    async loadModelFiles() {
      try {
        set({ modelFiles: await transport.call('listModelFiles', {}) });
      } catch (error) {
        fail(error);
      }
    },
    async useModelFile(path) {
      try {
        set({ download: await transport.call('useModelFile', { path }) });
      } catch (error) {
        fail(error);
      }
    },
    async removeModel(fileName) {
      try {
        await transport.call('removeModel', { fileName });
      } catch (error) {
        fail(error);
        return;
      }
      // No event says so: the lists are asked for again.
      await Promise.all([
        actions.loadModels(),
        get().modelFiles === null ? undefined : actions.loadModelFiles(),
      ]);
    },
    async loadSettings() {
      try {
        set({ settings: await transport.call('getSettings', {}) });
      } catch (error) {
        fail(error);
      }
    },
    async updateSettings(change) {
      try {
        const { settings, restartNeeded } = await transport.call('updateSettings', change);
        set({ settings, theme: settings.theme });
        return restartNeeded;
      } catch (error) {
        fail(error);
        return null;
      }
    },
    async exitKiosk(pin) {
      try {
        return await transport.call('exitKiosk', { pin });
      } catch (error) {
        fail(error);
        return null;
      }
    },
    async rotateOwnerSecret() {
      try {
        await transport.call('rotateOwnerSecret', {});
        return 'done';
      } catch (error) {
        if (error instanceof HearthCallError && error.code === 'disconnected') return 'cut off';
        fail(error);
        return null;
      }
    },
  };
  return actions;
}
