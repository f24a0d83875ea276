// How the thermal governor reaches into inference without the engine knowing
// anything about temperatures.
import { subscription, type Subscription } from '../../shared/emitter';

export interface InferenceThrottle {
  /** Upper bound on inference threads right now; undefined means no cap. Applied at the next batch. */
  threadCap(): number | undefined;
  /** Pause to insert before each generated token while cooling, in ms (0 = none). */
  tokenDelayMs(): number;
  /** When not null, new prompts wait in the queue and their clients are told this reason. */
  holdReason(): string | null;
  /** Fires whenever any of the above changes. */
  onChange(listener: () => void): Subscription;
}

export const noThrottle: InferenceThrottle = {
  threadCap: () => undefined,
  tokenDelayMs: () => 0,
  holdReason: () => null,
  onChange: () => subscription(() => {}),
};

/** What the engine reports about its own load, for the simulated board's heat model. */
export interface InferenceLoad {
  /** True while the model is evaluating (prompt or generation). */
  busy: boolean;
  /** Threads the engine is using right now. */
  threads: number;
}

/**
 * The engine's load, published by the engine and read by the simulated board.
 * The composition root creates one and hands it to both, so neither needs the
 * other and nothing is bound late.
 */
export class InferenceActivity {
  #current: InferenceLoad = { busy: false, threads: 0 };

  get current(): InferenceLoad {
    return this.#current;
  }

  report(load: InferenceLoad): void {
    this.#current = { ...load };
  }
}
