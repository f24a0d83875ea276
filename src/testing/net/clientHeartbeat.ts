// The test phone's side of one connection's upkeep, as the browser does it: a
// ping every so often (timing each pong), an ack of the events processed so
// the server may let go of them, and a link declared dead when nothing at all
// has been heard for a while (a black hole sends no close).
import type { ClientFrame } from '../../shared/wire';

export interface HeartbeatTiming {
  heartbeatMs: number;
  deadAfterMs: number;
  ackEveryMs: number;
}

export interface HeartbeatHooks {
  send(frame: ClientFrame): void;
  /** The link has been silent too long: drop it. */
  dead(): void;
  /** The last event processed, to acknowledge; undefined before the welcome. */
  processed(): number | undefined;
}

export class ClientHeartbeat {
  /** ping → pong round trips (ms), over every connection. */
  readonly roundTrips: number[] = [];
  readonly #timing: HeartbeatTiming;
  readonly #pings = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #nextPing = 1;
  #lastHeard = 0;
  #lastPing = 0;
  #lastAcked = 0;

  constructor(timing: HeartbeatTiming) {
    this.#timing = timing;
  }

  /** Starts watching a newly opened connection. */
  start(hooks: HeartbeatHooks): void {
    this.stop();
    this.#lastHeard = this.#lastPing = performance.now();
    const { heartbeatMs, deadAfterMs, ackEveryMs } = this.#timing;
    this.#timer = setInterval(
      () => {
        const now = performance.now();
        if (now - this.#lastHeard > deadAfterMs) return hooks.dead();
        if (now - this.#lastPing >= heartbeatMs) {
          this.#lastPing = now;
          const id = this.#nextPing++;
          this.#pings.set(id, now);
          hooks.send({ t: 'ping', id });
        }
        const processed = hooks.processed();
        if (processed !== undefined && processed > this.#lastAcked) {
          this.#lastAcked = processed;
          hooks.send({ t: 'ack', seq: processed });
        }
      },
      Math.min(heartbeatMs, ackEveryMs),
    );
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#pings.clear();
  }

  /** Any frame at all proves the link alive. */
  heard(): void {
    this.#lastHeard = performance.now();
  }

  pong(id: number): void {
    const sentAt = this.#pings.get(id);
    this.#pings.delete(id);
    if (sentAt !== undefined) this.roundTrips.push(performance.now() - sentAt);
  }

  /** A snapshot restarted the numbering at seq: acknowledge from there. */
  restartedAt(seq: number): void {
    this.#lastAcked = Math.min(this.#lastAcked, seq);
  }
}
