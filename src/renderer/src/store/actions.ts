// What the UI can ask for. Each action reports its failure as the store's problem
// instead of throwing into a click handler. Replies may lag behind the events that
// describe the same change, so they only add what is not there yet.
import type { HearthTransport } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import { applyEvent } from './events';
import type { ConversationOpener } from './navigation';
import type { PromptOutbox } from './outbox';
import { activeAnswer } from './reducers';
import { reportProblem, type HearthState } from './state';

export interface HearthActions {
  /** Resolves true when the prompt was accepted, or waits to be sent (the link is down). */
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  newConversation(): Promise<void>;
  openConversation(id: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
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
}

export function createActions(
  transport: HearthTransport,
  store: StoreApi<HearthState>,
  opener: ConversationOpener,
  outbox: PromptOutbox,
): HearthActions {
  const { getState: get, setState: set } = store;
  const fail = (error: unknown): void => reportProblem(store, error);

  return {
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
        await transport.call('deleteConversation', { id });
        set((state) => applyEvent(state, { type: 'conversationDeleted', conversationId: id }));
        if (get().current === null) await opener.openFallback();
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
  };
}
