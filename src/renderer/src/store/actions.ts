// What the UI can ask for. Each action reports its failure as the store's problem
// instead of throwing into a click handler. Replies may lag behind the events that
// describe the same change, so they only add what is not there yet.
import type { HearthTransport } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import { applyEvent } from './events';
import type { ConversationOpener } from './navigation';
import { activeAnswer, insertMessage } from './reducers';
import { reportProblem, type HearthState } from './state';

export interface HearthActions {
  /** Resolves true when the prompt was accepted. */
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  newConversation(): Promise<void>;
  openConversation(id: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  startCoolingCheck(durationSec: number): Promise<void>;
  stopCoolingCheck(): Promise<void>;
  retry(): void;
  dismissProblem(): void;
}

export function createActions(
  transport: HearthTransport,
  store: StoreApi<HearthState>,
  opener: ConversationOpener,
): HearthActions {
  const { getState: get, setState: set } = store;
  const fail = (error: unknown): void => reportProblem(store, error);

  return {
    async send(text) {
      const conversation = get().current;
      const trimmed = text.trim();
      if (!conversation || !trimmed) return false;
      try {
        const { userMessage, assistantMessage } = await transport.call('sendPrompt', {
          conversationId: conversation.id,
          text: trimmed,
        });
        set((state) =>
          state.current?.id === conversation.id
            ? {
                problem: null,
                current: insertMessage(insertMessage(state.current, userMessage), assistantMessage),
              }
            : { problem: null },
        );
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
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
  };
}
