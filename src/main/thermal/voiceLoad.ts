// Voice work as load the thermal side sees: each job (a VAD worker looking at
// audio, a transcription, a sentence being synthesised) is reported from its
// start to its end, and counts as one busy core while it runs. The simulated
// board heats with it as it does with inference. The governor only ever
// slows the language model: nothing here waits, caps or delays voice work,
// so voice keeps working while Cooling is on.
export class VoiceLoad {
  #running = 0;
  #busyMs = 0;
  #busySince = 0;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Voice jobs running now: each one core's worth of load. */
  get threads(): number {
    return this.#running;
  }

  /** Time with at least one voice job running, ms, up to now. */
  get busyMs(): number {
    return this.#busyMs + (this.#running > 0 ? this.#now() - this.#busySince : 0);
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
}
