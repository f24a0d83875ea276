// Test helpers for the thermal tests (not used by the app).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceLoad, InferenceThrottle } from '../main/contracts/throttle';

/** A temp dir with a zone file the test writes degrees to. */
export function zoneFile(initialC?: number): {
  dir: string;
  path: string;
  write(c: number | string): void;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-thermal-'));
  const path = join(dir, 'temp');
  const write = (c: number | string): void =>
    writeFileSync(path, typeof c === 'number' ? `${Math.round(c * 1000)}\n` : c);
  if (initialC !== undefined) write(initialC);
  return { dir, path, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A stand-in for the inference engine under sustained prompts: it answers one
 * prompt after another, each token costing 100 ms of 4-thread work (longer
 * with fewer threads), obeys the throttle's thread cap and token pause, and
 * waits between answers while prompts are held. Its load is what the
 * simulated board heats up with, so the governor's actions feed back.
 */
export class FakeEngine {
  readonly #throttle: InferenceThrottle;
  readonly #now: () => number;
  readonly #maxThreads: number;
  readonly #tokensPerAnswer: number;
  #phase: 'token' | 'pause' | 'held' = 'token';
  #phaseEnd: number;
  #tokensLeft: number;
  #threads: number;
  tokens = 0;
  answers = 0;

  constructor(
    throttle: InferenceThrottle,
    now: () => number,
    maxThreads = 4,
    tokensPerAnswer = 300,
  ) {
    this.#throttle = throttle;
    this.#now = now;
    this.#maxThreads = maxThreads;
    this.#tokensPerAnswer = tokensPerAnswer;
    this.#tokensLeft = tokensPerAnswer;
    this.#threads = this.#currentThreads();
    this.#phaseEnd = now() + this.#tokenMs();
  }

  #currentThreads(): number {
    return Math.min(this.#maxThreads, this.#throttle.threadCap() ?? this.#maxThreads);
  }

  #tokenMs(): number {
    return (100 * this.#maxThreads) / this.#threads;
  }

  #advance(): void {
    const now = this.#now();
    while (this.#phaseEnd <= now) {
      if (this.#phase === 'token') {
        this.tokens++;
        this.#tokensLeft--;
        const delay = this.#throttle.tokenDelayMs();
        if (this.#tokensLeft === 0) {
          this.answers++;
          this.#tokensLeft = this.#tokensPerAnswer;
          if (this.#throttle.holdReason() !== null) {
            this.#phase = 'held';
            this.#phaseEnd = Number.POSITIVE_INFINITY;
            break;
          }
        }
        if (delay > 0) {
          this.#phase = 'pause';
          this.#phaseEnd += delay;
          continue;
        }
      }
      // The thread cap applies from the next batch (token).
      this.#phase = 'token';
      this.#threads = this.#currentThreads();
      this.#phaseEnd += this.#tokenMs();
    }
    if (this.#phase === 'held' && this.#throttle.holdReason() === null) {
      this.#phase = 'token';
      this.#threads = this.#currentThreads();
      this.#phaseEnd = now + this.#tokenMs();
    }
  }

  load = (): InferenceLoad => {
    this.#advance();
    return { busy: this.#phase === 'token', threads: this.#threads };
  };
}
