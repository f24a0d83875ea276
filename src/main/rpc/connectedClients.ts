// Who is connected right now, whatever the transport: the kiosk window over IPC
// and each browser over WebSocket register here, so the health report counts
// them all in one place.
import { subscription, type Subscription } from '../../shared/emitter';

export type ClientKind = 'kiosk' | 'browser';

export class ConnectedClients {
  readonly #clients = new Map<number, ClientKind>();
  #next = 1;

  /** Counts a client until the returned subscription is disposed. */
  connect(kind: ClientKind): Subscription {
    const id = this.#next++;
    this.#clients.set(id, kind);
    return subscription(() => this.#clients.delete(id));
  }

  get count(): number {
    return this.#clients.size;
  }

  countOf(kind: ClientKind): number {
    let n = 0;
    for (const k of this.#clients.values()) if (k === kind) n++;
    return n;
  }
}
