// Download speed over the last few seconds: steady enough to read, quick
// enough to show a slowdown. Time left follows from it.

export interface ByteProgress {
  /** Bytes of the file on disk so far (resumed bytes included). */
  bytes: number;
  /** Size of the whole file; null when the server did not say. */
  total: number | null;
  bytesPerSecond: number;
  /** Null while the speed or the total is unknown. */
  secondsLeft: number | null;
}

export class SpeedMeter {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #samples: { at: number; bytes: number }[] = [];

  constructor(windowMs = 5000, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Records that the file now holds `bytes` bytes and returns the progress to show. */
  sample(bytes: number, total: number | null): ByteProgress {
    const at = this.#now();
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - (this.#samples[1]?.at ?? at) >= this.#windowMs) {
      this.#samples.shift();
    }
    const first = this.#samples[0] ?? { at, bytes };
    const elapsedMs = at - first.at;
    const bytesPerSecond = elapsedMs > 0 ? ((bytes - first.bytes) * 1000) / elapsedMs : 0;
    const secondsLeft =
      total !== null && bytesPerSecond > 0 ? Math.max(0, (total - bytes) / bytesPerSecond) : null;
    return { bytes, total, bytesPerSecond, secondsLeft };
  }
}
