// Keeps the mirror in step with main. The transport delivers a snapshot when a
// session starts (or a resume could not be filled), then the events after it,
// in order and once each. Streamed text is batched per animation frame; any
// other event is applied together with the text buffered before it, so nothing
// is reordered or lost.
import type { HearthEvent } from '../../../shared/api';
import type { Disposable } from '../../../shared/lifecycle';
import type { HearthTransport, Resync, SessionInfo } from '../../../shared/transport';
import { isDisconnected } from './outbox';
import type { StoreApi } from 'zustand/vanilla';
import { applyEvent, withDeltas } from './events';
import type { FrameBatcher } from './frameBatcher';
import type { ConversationOpener } from './navigation';
import { reportProblem, type HearthState } from './state';
import { trendOf } from './trend';

export class HearthSync implements Disposable {
  readonly #off: (() => void)[];
  #disposed = false;

  constructor(
    private readonly transport: HearthTransport,
    private readonly store: StoreApi<HearthState>,
    private readonly batcher: FrameBatcher,
    private readonly opener: ConversationOpener,
  ) {
    this.#off = [
      transport.onSession((session) => this.#onSession(session)),
      transport.onSnapshot((resync) => this.#onSnapshot(resync)),
      transport.onLink((link) => this.store.setState({ link })),
      transport.onEvent((event) => this.#onEvent(event)),
    ];
  }

  #onSession({ role, resumed }: SessionInfo): void {
    // A resumed session's events carry on from what is shown; a new one's snapshot follows.
    this.store.setState(resumed ? { role } : { role, synced: false });
  }

  #onSnapshot({ snapshot, open }: Resync): void {
    const { getState: get, setState: set } = this.store;
    const shown = get().current?.id;
    // Buffered text belongs to the state the snapshot replaces.
    this.batcher.clear();
    set({
      synced: true,
      model: snapshot.model,
      thermal: snapshot.thermal,
      trend: trendOf(snapshot.thermal),
      conversations: snapshot.conversations,
      coolingCheck: snapshot.coolingCheck,
      theme: snapshot.theme,
      viewer: snapshot.viewer ?? null,
      ...(open ? { current: open, queue: {} } : {}),
    });
    this.#refreshOwnerLists();
    if (open) return;
    // A new session has nothing open yet: carry on with the conversation that was
    // shown (it stays on screen until it is reloaded), else the most recent one.
    this.opener.openFallback(shown).catch((error: unknown) => {
      // A link that dropped again brings another snapshot, and this is tried again.
      if (!this.#disposed && !isDisconnected(error)) reportProblem(this.store, error);
    });
  }

  /**
   * What the owner's screens asked for (the model list, a download, settings,
   * paired phones) may have changed while events were missed: Hearth may even
   * have restarted, ending a download whose progress is still on screen. Each
   * list that was loaded is asked for again; nothing new is loaded.
   */
  #refreshOwnerLists(): void {
    const { getState: get, setState: set } = this.store;
    const { role, models, modelFiles, download, settings, devices, pairing } = get();
    if (role !== 'owner') {
      set({
        models: null,
        modelFiles: null,
        download: null,
        settings: null,
        devices: null,
        pairing: null,
      });
      return;
    }
    const fail = (error: unknown): void => {
      if (!this.#disposed && !isDisconnected(error)) reportProblem(this.store, error);
    };
    const { transport } = this;
    if (models || download) {
      transport
        .call('listModels', {})
        .then((list) => set({ models: list, download: list.download }), fail);
    }
    if (modelFiles)
      transport.call('listModelFiles', {}).then((files) => set({ modelFiles: files }), fail);
    if (settings) transport.call('getSettings', {}).then((saved) => set({ settings: saved }), fail);
    if (devices) transport.call('listDevices', {}).then((list) => set({ devices: list }), fail);
    if (pairing) transport.call('getPairing', {}).then((info) => set({ pairing: info }), fail);
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
    this.#disposed = true;
    for (const off of this.#off) off();
  }
}
