// The application heartbeat. A browser cannot see WebSocket pings, and a link
// that Wi-Fi dropped without a word looks open for minutes. So the client pings
// every 2 s, the server answers, and a link that has been silent for 4 s (no
// frame of any kind) is declared dead: a dead link is noticed within 5 s.
import type { Disposable } from '../../../shared/lifecycle';

export interface HeartbeatPolicy {
  pingEveryMs: number;
  /** Silence after which the link is dead; a healthy link is never silent past pingEveryMs. */
  deadAfterMs: number;
}

export const defaultHeartbeat: HeartbeatPolicy = { pingEveryMs: 2_000, deadAfterMs: 4_000 };

export interface HeartbeatHooks {
  /** Sends one ping; may throw when the link is not open yet (then nothing is sent). */
  ping(): void;
  /** The link has been silent too long. Called once per start(). */
  dead(): void;
  now?: () => number;
  /**
   * True while the page is hidden: its timers are throttled (to once a minute
   * in a long-hidden tab), so silence is not held against the link then;
   * check() judges it when the page is shown again.
   */
  hidden?: () => boolean;
}

/** Watches one connection from start() until stop() or dead(). */
export class Heartbeat implements Disposable {
  readonly #policy: HeartbeatPolicy;
  readonly #hooks: HeartbeatHooks;
  readonly #now: () => number;
  #lastHeard = 0;
  #pinger: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(policy: HeartbeatPolicy, hooks: HeartbeatHooks) {
    this.#policy = policy;
    this.#hooks = hooks;
    this.#now = hooks.now ?? Date.now;
  }

  /** Starts watching a new connection: it has deadAfterMs to say something. */
  start(): void {
    this.stop();
    this.#running = true;
    this.#lastHeard = this.#now();
    this.#pinger = setInterval(() => this.#ping(), this.#policy.pingEveryMs);
    this.#armDeadline();
  }

  /** A frame arrived. Cheap: called for every frame, it only notes the time. */
  heard(): void {
    this.#lastHeard = this.#now();
  }

  /**
   * Checks at once (the page became visible again, the network came back):
   * timers of a hidden page are throttled, so its silence is measured now.
   */
  check(): void {
    if (!this.#running) return;
    if (this.#silentFor() >= this.#policy.deadAfterMs) return this.#die();
    this.#ping();
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#pinger);
    clearTimeout(this.#deadline);
    this.#pinger = undefined;
    this.#deadline = undefined;
  }

  dispose(): void {
    this.stop();
  }

  #silentFor(): number {
    return this.#now() - this.#lastHeard;
  }

  #ping(): void {
    try {
      this.#hooks.ping();
    } catch {
      // Not open yet: the deadline still runs.
    }
  }

  // One timer per deadline rather than one per frame: when it fires it looks at
  // when the link was last heard and, if that was recent, waits out the rest.
  #armDeadline(): void {
    const silent = this.#silentFor();
    const { deadAfterMs } = this.#policy;
    // Past the limit only while hidden: look again a whole period later.
    const left = silent < deadAfterMs ? deadAfterMs - silent : deadAfterMs;
    this.#deadline = setTimeout(() => {
      if (!this.#running) return;
      if (this.#silentFor() >= deadAfterMs && !this.#hooks.hidden?.()) this.#die();
      else this.#armDeadline();
    }, left);
  }

  #die(): void {
    this.stop();
    this.#hooks.dead();
  }
}
