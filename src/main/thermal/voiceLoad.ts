// Voice work as load the thermal side sees, in cores' worth. Two kinds:
// - jobs (a transcription, a sentence being synthesised), reported from their
//   start to their end, each counted as one busy core while it runs;
// - busy time a worker measured itself (a speech detector's, some 0.3 ms per
//   32 ms frame: 1-2 % of a core while a client is listening), averaged over
//   the last second, so listening counts as the small load it is and not as a
//   core.
// The simulated board heats with it as it does with inference. The governor
// only ever slows the language model: nothing here waits, caps or delays voice
// work, so voice keeps working while Cooling is on.

/** Measured busy time is averaged over this much of the recent past. */
export const MEASURED_WINDOW_MS = 1000;

export class VoiceLoad {
  #running = 0;
  #busyMs = 0;
  #busySince = 0;
  #measuredMs = 0;
  /** Busy time reported within the last window, oldest first. */
  readonly #recent: { at: number; ms: number }[] = [];
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The load now, in cores: running jobs, one each, and the recently measured busy time. */
  get threads(): number {
    return this.#running + this.#recentMs() / MEASURED_WINDOW_MS;
  }

  /** Voice jobs running now. */
  get jobs(): number {
    return this.#running;
  }

  /** Time with at least one voice job running, ms, up to now. */
  get busyMs(): number {
    return this.#busyMs + (this.#running > 0 ? this.#now() - this.#busySince : 0);
  }

  /** All busy time workers measured and reported, ms. */
  get measuredMs(): number {
    return this.#measuredMs;
  }

  /** A job starts; the returned function ends it (once, however often it is called). */
  begin(): () => void {
    if (this.#running++ === 0) this.#busySince = this.#now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#running === 0) this.#busyMs += this.#now() - this.#busySince;
    };
  }

  /** Runs `job` at once, counted as voice load until it settles. */
  async track<T>(job: () => Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await job();
    } finally {
      end();
    }
  }

  /** Busy time a worker measured since its last report, ms (a speech detector's). */
  reportBusy(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) return;
    this.#measuredMs += ms;
    this.#recent.push({ at: this.#now(), ms });
    this.#recentMs();
  }

  /** Busy time reported within the window; older reports are forgotten. */
  #recentMs(): number {
    const since = this.#now() - MEASURED_WINDOW_MS;
    while ((this.#recent[0]?.at ?? Infinity) <= since) this.#recent.shift();
    return this.#recent.reduce((sum, report) => sum + report.ms, 0);
  }
}
