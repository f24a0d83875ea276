// Which conversation is open. Opening is asynchronous, so a slow reply must not
// replace one the user opened after it: only the latest request lands.
import type { Conversation, ConversationSummary } from '../../../shared/api';
import type { HearthTransport } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import type { FrameBatcher } from './frameBatcher';
import type { HearthState } from './state';

export class ConversationOpener {
  #latest = 0;

  constructor(
    private readonly transport: HearthTransport,
    private readonly store: StoreApi<HearthState>,
    /** Text buffered for the conversation being left is dropped. */
    private readonly batcher: FrameBatcher,
  ) {}

  /** Shows the conversation, unless another was opened meanwhile; resolves with it either way. */
  async open(id: string): Promise<Conversation> {
    const request = ++this.#latest;
    const conversation = await this.transport.call('openConversation', { id });
    if (request !== this.#latest) return conversation;
    this.batcher.clear();
    this.store.setState({ current: conversation, queue: {} });
    return conversation;
  }

  async create(): Promise<void> {
    const request = ++this.#latest;
    const conversation = await this.transport.call('newConversation', {});
    if (request !== this.#latest) return;
    this.batcher.clear();
    this.store.setState((state) => ({
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
              startedBy: conversation.startedBy,
            },
            ...state.conversations,
          ],
    }));
  }

  /** Opens the conversation to show when none is open: the preferred or most recent one, or a new one. */
  async openFallback(preferred?: string): Promise<void> {
    const list = this.store.getState().conversations;
    const target = (preferred && list.find((c) => c.id === preferred)) || mostRecent(list);
    if (target) await this.open(target.id);
    else await this.create();
  }

  /** Makes every request still in flight land nowhere. */
  cancel(): void {
    this.#latest++;
  }
}

function mostRecent(list: ConversationSummary[]): ConversationSummary | undefined {
  return list.reduce<ConversationSummary | undefined>(
    (best, c) => (!best || c.updatedAt > best.updatedAt ? c : best),
    undefined,
  );
}
