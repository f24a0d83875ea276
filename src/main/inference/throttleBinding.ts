// Where the thermal throttle reaches into inference: it caps llama.cpp's threads,
// paces each generated token, and holds new answers. The engine learns of every
// change through onChange, after the thread cap has been applied.
import type { Llama } from 'node-llama-cpp';
import type { Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../base/log';
import type { InferenceThrottle } from '../contracts/throttle';
import { createPacedDispatch, type PacedDispatch } from './pacedDispatch';

export interface ThrottleBindingOptions {
  throttle: InferenceThrottle;
  logger: Logger;
  /** Threads inference uses when not capped. */
  baseThreads: number;
  /** The throttle is slowing generation down (a paced token, or fewer threads). */
  onSlowed(): void;
  /** Something about the throttle changed; the new thread cap is already in force. */
  onChange(): void;
}

export class ThrottleBinding implements Disposable {
  readonly #options: ThrottleBindingOptions;
  readonly #pacing: PacedDispatch;
  readonly #unsubscribe: Subscription;
  #llama: Llama | undefined;
  #disposed = false;

  constructor(options: ThrottleBindingOptions) {
    this.#options = options;
    const { throttle } = options;
    this.#pacing = createPacedDispatch(
      () => throttle.tokenDelayMs(),
      () => options.onSlowed(),
    );
    this.#unsubscribe = throttle.onChange(() => {
      this.#applyThreadCap();
      options.onChange();
    });
  }

  /** For the context: delays each batch by the throttle's token delay. */
  get dispatchSchedule(): PacedDispatch['schedule'] {
    return this.#pacing.schedule;
  }

  /** Not null while cooling holds new answers. */
  holdReason(): string | null {
    return this.#options.throttle.holdReason();
  }

  /** Threads inference may use right now: the base count, lowered to the cap. */
  threads(): number {
    const { baseThreads } = this.#options;
    const cap = this.#options.throttle.threadCap();
    return cap === undefined ? baseThreads : Math.max(1, Math.min(baseThreads, cap));
  }

  /** Whether the cap holds inference below its base thread count. */
  get capped(): boolean {
    return this.threads() < this.#options.baseThreads;
  }

  /** Applies the cap to this llama.cpp from now on (once its context exists). */
  attach(llama: Llama): void {
    if (this.#disposed) return;
    this.#llama = llama;
    this.#applyThreadCap();
  }

  /** Stops following the throttle and runs every delayed token at once. */
  dispose(): void {
    this.#disposed = true;
    this.#unsubscribe();
    this.#llama = undefined;
    this.#pacing.flush();
  }

  #applyThreadCap(): void {
    const llama = this.#llama;
    if (!llama) return;
    const threads = this.threads();
    if (llama.maxThreads !== threads) {
      // Takes effect at the next batch node-llama-cpp decodes.
      llama.maxThreads = threads;
      this.#options.logger.info('inference_threads', {
        threads,
        base: this.#options.baseThreads,
      });
    }
    if (this.capped) this.#options.onSlowed();
  }
}
