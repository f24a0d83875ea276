// Keeps the mirror in step with main: a snapshot on every (re)connect, then the
// live events. Streamed text is batched per animation frame; any other event is
// applied together with the text buffered before it, so nothing is reordered or lost.
import type { HearthEvent } from '../../../shared/api';
import type { Disposable } from '../../../shared/lifecycle';
import type { HearthTransport, LinkState } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import { applyEvent, withDeltas } from './events';
import type { FrameBatcher } from './frameBatcher';
import type { ConversationOpener } from './navigation';
import { reportProblem, type HearthState } from './state';
import { trendOf } from './trend';

export class HearthSync implements Disposable {
  #round = 0;
  readonly #offLink: () => void;
  readonly #offEvent: () => void;

  constructor(
    private readonly transport: HearthTransport,
    private readonly store: StoreApi<HearthState>,
    private readonly batcher: FrameBatcher,
    private readonly opener: ConversationOpener,
  ) {
    this.#offLink = transport.onLink((link) => this.#onLink(link));
    this.#offEvent = transport.onEvent((event) => this.#onEvent(event));
  }

  #onLink(link: LinkState): void {
    this.store.setState(link.state === 'connected' ? { link } : { link, synced: false });
    if (link.state === 'connected') void this.#sync();
  }

  async #sync(): Promise<void> {
    const round = ++this.#round;
    const { getState: get, setState: set } = this.store;
    try {
      const snapshot = await this.transport.call('getSnapshot', {});
      if (round !== this.#round) return; // a newer link's sync is under way
      set({
        synced: true,
        model: snapshot.model,
        thermal: snapshot.thermal,
        trend: trendOf(snapshot.thermal),
        conversations: snapshot.conversations,
        coolingCheck: snapshot.coolingCheck,
      });
      // After a reconnect, carry on with the conversation that was open.
      await this.opener.openFallback(get().current?.id);
    } catch (error) {
      if (round === this.#round && get().link.state === 'connected') {
        reportProblem(this.store, error);
      }
    }
  }

  #onEvent(event: HearthEvent): void {
    const { getState: get, setState: set } = this.store;
    if (event.type === 'tokens') {
      if (event.conversationId === get().current?.id)
        this.batcher.push(event.messageId, event.text);
      return;
    }
    const deltas = this.batcher.take();
    set((state) => {
      const base = withDeltas(state, deltas);
      return { ...base, ...applyEvent(base, event) };
    });
    if (event.type === 'conversationDeleted' && get().current === null && get().synced) {
      this.opener.openFallback().catch((error: unknown) => reportProblem(this.store, error));
    }
  }

  dispose(): void {
    this.#offLink();
    this.#offEvent();
    this.#round++; // a snapshot still on its way lands nowhere
  }
}
