// A TCP proxy that behaves like a bad phone link, for tests: put it between a
// real client and the real server, then make the link misbehave as Wi-Fi does.
//
//   drop()    both ends see the connection reset at once (a roaming phone, a
//             router reboot); the link itself stays up, so a reconnect works.
//   stall()   nothing gets through and nobody is told: bytes stay unread in the
//             kernel buffers and a close on one side is not passed to the other,
//             so each end holds a half-open socket until its own heartbeat or
//             timeout gives up. New connections hang the same way.
//   resume()  the link is back: what was held flows on, and a side that gave up
//             while stalled is now noticed by the other (reset), as TCP would.
//   slow(n)   each direction of each connection carries at most n bytes/s.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type LinkState = 'up' | 'stalled';

export interface FaultProxyOptions {
  /** Where the server listens: a TCP address, or a Unix socket path. */
  target: { host: string; port: number } | { path: string };
  /** Loopback unless told otherwise. */
  listenHost?: string;
  /** A free one unless told otherwise. */
  listenPort?: number;
  /** The address the proxy dials from: the server sees this as the client's address. */
  localAddress?: string;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  closed: boolean;
  /** One side went away while the link was stalled: the other learns it on resume(). */
  gone: boolean;
}

/** Counters a test can assert on. */
export interface ProxyStats {
  accepted: number;
  /** Connections cut by drop(). */
  dropped: number;
  /** Bytes forwarded client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
}

export class FaultProxy implements AsyncDisposable {
  readonly #server: Server;
  readonly #target: FaultProxyOptions['target'];
  readonly #localAddress: string | undefined;
  readonly #pairs = new Set<Pair>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly stats: ProxyStats = { accepted: 0, dropped: 0, bytesUp: 0, bytesDown: 0 };
  #state: LinkState = 'up';
  #bytesPerSecond = Infinity;
  #closed = false;
  port = 0;

  private constructor(options: FaultProxyOptions) {
    this.#target = options.target;
    this.#localAddress = options.localAddress;
    this.#server = createServer((client) => this.#accept(client));
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(options.listenPort ?? 0, options.listenHost ?? '127.0.0.1', () => {
        proxy.#server.off('error', reject);
        resolve();
      });
    });
    const address = proxy.#server.address();
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Connections currently carried (both ends open). */
  get connections(): number {
    return this.#pairs.size;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    const address = this.#server.address();
    const host = typeof address === 'object' && address ? address.address : '127.0.0.1';
    return `http://${host}:${this.port}`;
  }

  /** Resets every connection now, on both sides; returns how many were cut. */
  drop(): number {
    const pairs = [...this.#pairs];
    for (const pair of pairs) this.#cut(pair);
    this.stats.dropped += pairs.length;
    return pairs.length;
  }

  /** Stops forwarding anything, in both directions, without telling either end. */
  stall(): void {
    this.#state = 'stalled';
    for (const pair of this.#pairs) {
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  /** The link is back: held bytes and closes flow on. */
  resume(): void {
    this.#state = 'up';
    for (const pair of [...this.#pairs]) {
      if (pair.gone) {
        this.#cut(pair);
        continue;
      }
      pair.client.resume();
      pair.upstream.resume();
    }
  }

  /** Caps each direction of each connection at bytesPerSecond; Infinity lifts the cap. */
  slow(bytesPerSecond: number): void {
    if (!(bytesPerSecond > 0)) throw new RangeError('bytesPerSecond must be above 0');
    this.#bytesPerSecond = bytesPerSecond;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const pair of [...this.#pairs]) this.#cut(pair);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #accept(client: Socket): void {
    if (this.#closed) {
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const target = this.#target;
    const upstream =
      'path' in target
        ? connect(target.path)
        : connect({ port: target.port, host: target.host, localAddress: this.#localAddress });
    const pair: Pair = { client, upstream, closed: false, gone: false };
    this.#pairs.add(pair);
    client.setNoDelay(true);
    if (!('path' in target)) upstream.setNoDelay(true);
    if (this.#state === 'stalled') {
      client.pause();
      upstream.pause();
    }
    this.#forward(pair, client, upstream, 'bytesUp');
    this.#forward(pair, upstream, client, 'bytesDown');
  }

  #forward(pair: Pair, from: Socket, to: Socket, counter: 'bytesUp' | 'bytesDown'): void {
    // Bytes waiting for the slow link's pace, oldest first; one pump sends them,
    // so slices of two chunks can never interleave.
    const waiting: Buffer[] = [];
    let pumping = false;
    let ended = false;
    const pump = (): void => {
      if (to.destroyed) return;
      const head = waiting[0];
      if (!head) {
        pumping = false;
        if (ended) to.end();
        else if (this.#state === 'up') from.resume();
        return;
      }
      pumping = true;
      if (this.#state === 'stalled' || this.#bytesPerSecond === Infinity) {
        if (this.#state === 'up') {
          to.write(Buffer.concat(waiting.splice(0)));
          return pump();
        }
        return this.#later(20, pump);
      }
      // Slices of 1/20 s keep the pace smooth without a timer per byte.
      const size = Math.max(1, Math.floor(this.#bytesPerSecond / 20));
      const slice = head.subarray(0, size);
      if (slice.length === head.length) waiting.shift();
      else waiting[0] = head.subarray(size);
      to.write(slice);
      this.#later((slice.length / this.#bytesPerSecond) * 1000, pump);
    };
    from.on('data', (chunk: Buffer) => {
      this.stats[counter] += chunk.length;
      if (!pumping && this.#bytesPerSecond === Infinity) {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => this.#state === 'up' && from.resume());
        }
        return;
      }
      waiting.push(chunk);
      // Holding more than a little means the sender must wait, as on a real slow link.
      if (waiting.length > 4) from.pause();
      if (!pumping) pump();
    });
    // A close is only passed on while the link carries things: a stalled link
    // leaves the other side with a half-open socket, as a black hole does.
    // (Reading is paused while stalled, so a FIN is only seen after resume().)
    from.on('end', () => {
      ended = true;
      if (!pumping) to.end();
    });
    from.on('error', () => {
      if (this.#state === 'up') this.#cut(pair);
      else pair.gone = true;
    });
    from.on('close', () => {
      if (from.destroyed && to.destroyed) this.#pairs.delete(pair);
    });
  }

  #later(waitMs: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      then();
    }, waitMs);
    this.#timers.add(timer);
  }

  #cut(pair: Pair): void {
    if (pair.closed) return;
    pair.closed = true;
    this.#pairs.delete(pair);
    for (const socket of [pair.client, pair.upstream]) {
      // A reset, not a polite FIN: that is what a vanished peer looks like.
      if (socket.destroyed) continue;
      // A Unix socket has no reset to send.
      const unix = socket === pair.upstream && 'path' in this.#target;
      if (socket.connecting || unix) socket.destroy();
      else socket.resetAndDestroy();
    }
  }
}
