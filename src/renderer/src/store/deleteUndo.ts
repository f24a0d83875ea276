// The Undo a delete offers: shown for UNDO_SHOWN_MS, then withdrawn. Main
// keeps the deleted conversation longer (UNDO_DELETE_WINDOW_MS), so a tap
// in the last moment still arrives in time over a slow link. The timer is
// this object's, and goes with the store.
import type { Disposable } from '../../../shared/lifecycle';
import type { StoreApi } from 'zustand/vanilla';
import type { DeletedConversation, HearthState } from './state';

export const UNDO_SHOWN_MS = 8000;

export class DeleteUndo implements Disposable {
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: StoreApi<HearthState>,
    private readonly shownMs = UNDO_SHOWN_MS,
  ) {}

  /** Offers Undo for this conversation, in place of any offered before. */
  offer(deleted: DeletedConversation): void {
    clearTimeout(this.#timer);
    this.store.setState({ undo: deleted });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.store.getState().undo === deleted) this.store.setState({ undo: null });
    }, this.shownMs);
  }

  /** Takes the offer away (it was used); returns what it was for. */
  take(): DeletedConversation | null {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const offered = this.store.getState().undo;
    if (offered) this.store.setState({ undo: null });
    return offered;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
