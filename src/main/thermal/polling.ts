// A job run at a fixed period on the injected clock, from start() until
// stop(); dispose() stops it for good.
import type { Disposable } from '../../shared/lifecycle';
import type { Scheduler } from '../base/scheduler';

export class Polling implements Disposable {
  readonly everyMs: number;
  readonly #scheduler: Scheduler;
  readonly #job: () => void;
  #cancel: (() => void) | undefined;
  #disposed = false;

  constructor(scheduler: Scheduler, everyMs: number, job: () => void) {
    this.#scheduler = scheduler;
    this.everyMs = everyMs;
    this.#job = job;
  }

  get running(): boolean {
    return this.#cancel !== undefined;
  }

  /** Runs the job every everyMs from now on; the first run is one period away. */
  start(): void {
    if (this.#cancel || this.#disposed) return;
    this.#cancel = this.#scheduler.every(this.everyMs, this.#job);
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  dispose(): void {
    this.#disposed = true;
    this.stop();
  }
}
