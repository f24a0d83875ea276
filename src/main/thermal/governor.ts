// Turns the monitor's protection state into limits on inference, graduated
// rather than all-or-nothing:
//   level 1 (protection on): half the threads, a short pause per token, new
//     prompts held with a reason;
//   level 2 (still rising by 1 °C after level 1 began): one thread and a longer pause.
// Everything returns to normal when protection ends.
import type { ThermalStatus } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import type { ThermalPort } from '../contracts/thermal';
import type { InferenceThrottle } from '../contracts/throttle';
import type { Logger } from '../base/log';

export interface ThermalGovernorOptions {
  /** Threads inference uses when not cooling (HEARTH_THREADS, or the core count). */
  baseThreads: number;
  logger?: Logger;
  /** Pause per token at level 1 and level 2, ms. */
  tokenDelayMs?: readonly [number, number];
  /** Rise above the temperature at which level 1 began that moves to level 2. */
  escalateAfterRiseC?: number;
}

export type GovernorLevel = 0 | 1 | 2;

export class ThermalGovernor implements InferenceThrottle, Disposable {
  readonly #baseThreads: number;
  readonly #log: Logger | undefined;
  readonly #delays: readonly [number, number];
  readonly #escalateAfterRiseC: number;
  readonly #changes: Emitter<void>;
  readonly #following: Subscription[];
  #level: GovernorLevel = 0;
  #levelOneStartC = 0;
  #cap: number | undefined;
  #delay = 0;
  #hold: string | null = null;

  constructor(monitor: ThermalPort, options: ThermalGovernorOptions) {
    this.#baseThreads = Math.max(1, Math.floor(options.baseThreads));
    this.#log = options.logger;
    this.#delays = options.tokenDelayMs ?? [25, 100];
    this.#escalateAfterRiseC = options.escalateAfterRiseC ?? 1;
    const log = options.logger;
    this.#changes = new Emitter<void>(
      log
        ? (error) => log.error('thermal_governor_listener_failed', { error: String(error) })
        : undefined,
    );
    // A new reading matters too: the level and the reason follow the temperature.
    this.#following = [
      monitor.onStatus((status) => this.update(status)),
      monitor.onReading(() => this.update(monitor.status())),
    ];
    this.update(monitor.status());
  }

  get level(): GovernorLevel {
    return this.#level;
  }

  threadCap(): number | undefined {
    return this.#cap;
  }

  tokenDelayMs(): number {
    return this.#delay;
  }

  holdReason(): string | null {
    return this.#hold;
  }

  onChange(listener: () => void): Subscription {
    return this.#changes.subscribe(listener);
  }

  /** Applies a thermal status (on every status change and every new reading). */
  update(status: ThermalStatus): void {
    const t = status.available ? status.temperatureC : undefined;
    let level: GovernorLevel = 0;
    if (status.protection) {
      if (this.#level === 0) this.#levelOneStartC = t ?? status.triggerC;
      level = this.#level === 2 ? 2 : 1;
      if (level === 1 && t !== undefined && t >= this.#levelOneStartC + this.#escalateAfterRiseC) {
        level = 2;
      }
    }
    const cap =
      level === 0 ? undefined : level === 1 ? Math.max(1, Math.floor(this.#baseThreads / 2)) : 1;
    const delay = level === 0 ? 0 : level === 1 ? this.#delays[0] : this.#delays[1];
    const hold =
      level === 0
        ? null
        : t === undefined
          ? `Cooling down: answers resume once the board is below ${status.resumeC} °C`
          : `Cooling down: the board is at ${Math.round(t)} °C; answers resume below ${status.resumeC} °C`;

    if (level !== this.#level) {
      this.#log?.info('thermal_governor_level', {
        level,
        threadCap: cap ?? null,
        tokenDelayMs: delay,
        temperatureC: status.temperatureC,
      });
    }
    const changed =
      level !== this.#level || cap !== this.#cap || delay !== this.#delay || hold !== this.#hold;
    this.#level = level;
    this.#cap = cap;
    this.#delay = delay;
    this.#hold = hold;
    if (changed) this.#changes.fire();
  }

  /** Stops following the monitor and drops every listener. */
  dispose(): void {
    for (const unsubscribe of this.#following) unsubscribe();
    this.#changes.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
