// Hands-free's "said nothing for a while": fires once the microphone has been
// quiet for `quietMs` in a row. Each 100 ms chunk's level (RMS) above
// SOUND_LEVEL counts as sound and starts the wait again, so a person who is
// still talking is never cut off by it; Hearth's own speech detector decides
// where an utterance ends, this only gives up on one that never began.

/** -40 dBFS: above a quiet room with noise suppression on, below any speech close to the microphone. */
export const SOUND_LEVEL = 0.01;

export class QuietTimer {
  #quietMs: number;
  readonly #now: () => number;
  readonly #onQuiet: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSound = 0;

  constructor(quietMs: number, onQuiet: () => void, now: () => number = () => performance.now()) {
    this.#quietMs = quietMs;
    this.#onQuiet = onQuiet;
    this.#now = now;
  }

  /** How long the quiet must last; a wait under way counts to the new length. */
  get quietMs(): number {
    return this.#quietMs;
  }

  set quietMs(ms: number) {
    this.#quietMs = ms;
    if (this.#timer !== undefined)
      this.#schedule(Math.max(0, ms - (this.#now() - this.#lastSound)));
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts (or starts again) the wait from now. */
  start(): void {
    this.#lastSound = this.#now();
    this.#schedule(this.#quietMs);
  }

  /** One chunk's level: sound starts the wait again. Ignored while not running. */
  level(level: number): void {
    if (this.#timer !== undefined && level > SOUND_LEVEL) this.#lastSound = this.#now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    const quietFor = this.#now() - this.#lastSound;
    if (quietFor < this.#quietMs) {
      this.#schedule(this.#quietMs - quietFor);
      return;
    }
    this.#timer = undefined;
    this.#onQuiet();
  }
}
