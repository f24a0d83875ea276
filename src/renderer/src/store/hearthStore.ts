// The renderer's mirror of main's state. It talks to a HearthTransport and never
// knows whether that is IPC (kiosk) or a WebSocket (phone).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  Conversation,
  ConversationSummary,
  CoolingCheckReport,
  HearthEvent,
  ModelStatus,
  ThermalReading,
  ThermalStatus,
} from '../../../shared/api';
import type { HearthTransport, LinkState } from '../../../shared/transport';
import { animationFrames, FrameBatcher, type FrameScheduler } from './frameBatcher';
import { activeAnswer, appendDeltas, insertMessage, nextTrend, upsertMessage } from './reducers';

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

export interface HearthStore {
  store: StoreApi<HearthState>;
  actions: HearthActions;
  dispose(): void;
}

export interface HearthOptions {
  frames?: FrameScheduler;
  now?: () => number;
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function mostRecent(list: ConversationSummary[]): ConversationSummary | undefined {
  return list.reduce<ConversationSummary | undefined>(
    (best, c) => (!best || c.updatedAt > best.updatedAt ? c : best),
    undefined,
  );
}

/** The queue info minus the given messages (the same object when nothing changes). */
function without(queue: Record<string, QueueInfo>, ids: string[]): Record<string, QueueInfo> {
  if (!ids.some((id) => id in queue)) return queue;
  return Object.fromEntries(Object.entries(queue).filter(([id]) => !ids.includes(id)));
}

/** Applies one (non-token) event to the state. Pure. */
export function applyEvent(
  state: HearthState,
  event: HearthEvent,
  now: number,
): Partial<HearthState> {
  switch (event.type) {
    case 'thermalReading':
      return {};
    case 'model':
      return { model: event.model };
    case 'thermal':
      return { thermal: event.thermal, trend: nextTrend(state.trend, event.thermal, now) };
    case 'coolingCheck':
      return { coolingCheck: event.report };
    case 'conversations': {
      const current = state.current;
      const summary = current && event.conversations.find((c) => c.id === current.id);
      return {
        conversations: event.conversations,
        current:
          summary && summary.title !== current.title
            ? { ...current, title: summary.title }
            : current,
      };
    }
    case 'conversationDeleted':
      return {
        conversations: state.conversations.filter((c) => c.id !== event.conversationId),
        current: state.current?.id === event.conversationId ? null : state.current,
      };
    case 'message': {
      if (state.current?.id !== event.conversationId) return {};
      const queue =
        event.message.status === 'queued' ? state.queue : without(state.queue, [event.message.id]);
      return { current: upsertMessage(state.current, event.message), queue };
    }
    case 'queue': {
      if (state.current?.id !== event.conversationId) return {};
      const info: QueueInfo = { position: event.position };
      if (event.reason) info.reason = event.reason;
      return { queue: { ...state.queue, [event.messageId]: info } };
    }
    case 'tokens':
      return {};
  }
}

export function createHearthStore(
  transport: HearthTransport,
  options: HearthOptions = {},
): HearthStore {
  const now = options.now ?? Date.now;
  const store = createStore<HearthState>()(() => ({ ...initialState }));
  const { getState: get, setState: set } = store;

  const batcher = new FrameBatcher(options.frames ?? animationFrames, (deltas) => {
    set((state) => withDeltas(state, deltas));
  });

  function withDeltas(state: HearthState, deltas: ReadonlyMap<string, string>): HearthState {
    if (!state.current || deltas.size === 0) return state;
    const current = appendDeltas(state.current, deltas);
    if (current === state.current) return state;
    return { ...state, current, queue: without(state.queue, [...deltas.keys()]) };
  }

  const fail = (error: unknown) => set({ problem: describe(error) });

  let openRequest = 0;
  async function open(id: string): Promise<void> {
    const request = ++openRequest;
    const conversation = await transport.call('openConversation', { id });
    if (request !== openRequest) return; // a later open won
    batcher.clear();
    set({ current: conversation, queue: {} });
  }

  async function create(): Promise<void> {
    const request = ++openRequest;
    const conversation = await transport.call('newConversation', {});
    if (request !== openRequest) return;
    batcher.clear();
    set((state) => ({
      current: conversation,
      queue: {},
      conversations: state.conversations.some((c) => c.id === conversation.id)
        ? state.conversations
        : [
            {
              id: conversation.id,
              title: conversation.title,
              updatedAt: conversation.updatedAt,
              messageCount: conversation.messages.length,
            },
            ...state.conversations,
          ],
    }));
  }

  /** Opens the conversation to show when none is open: the most recent one, or a new one. */
  async function openFallback(preferred?: string): Promise<void> {
    const list = get().conversations;
    const target = (preferred && list.find((c) => c.id === preferred)) || mostRecent(list);
    if (target) await open(target.id);
    else await create();
  }

  let syncRound = 0;
  async function sync(): Promise<void> {
    const round = ++syncRound;
    try {
      const snapshot = await transport.call('getSnapshot', {});
      if (round !== syncRound) return;
      set((state) => ({
        synced: true,
        model: snapshot.model,
        thermal: snapshot.thermal,
        trend: nextTrend(state.trend, snapshot.thermal, now()),
        conversations: snapshot.conversations,
        coolingCheck: snapshot.coolingCheck,
      }));
      // After a reconnect, carry on with the conversation that was open.
      await openFallback(get().current?.id);
    } catch (error) {
      if (round === syncRound && get().link.state === 'connected') fail(error);
    }
  }

  const offLink = transport.onLink((link) => {
    set(link.state === 'connected' ? { link } : { link, synced: false });
    if (link.state === 'connected') void sync();
  });

  const offEvent = transport.onEvent((event) => {
    if (event.type === 'tokens') {
      if (event.conversationId === get().current?.id) batcher.push(event.messageId, event.text);
      return;
    }
    // Anything else is applied together with the text buffered before it, in order.
    const deltas = batcher.take();
    set((state) => {
      const base = withDeltas(state, deltas);
      return { ...base, ...applyEvent(base, event, now()) };
    });
    if (event.type === 'conversationDeleted' && get().current === null && get().synced) {
      openFallback().catch(fail);
    }
  });

  const actions: HearthActions = {
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
      await create().catch(fail);
    },
    async openConversation(id) {
      await open(id).catch(fail);
    },
    async deleteConversation(id) {
      try {
        await transport.call('deleteConversation', { id });
        set((state) =>
          applyEvent(state, { type: 'conversationDeleted', conversationId: id }, now()),
        );
        if (get().current === null) await openFallback();
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

  return {
    store,
    actions,
    dispose() {
      offLink();
      offEvent();
      batcher.clear();
      syncRound++;
      openRequest++;
    },
  };
}
