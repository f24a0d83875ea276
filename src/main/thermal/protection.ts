// The switch that protects the board: a Schmitt trigger that turns on at the
// trigger temperature and off only below the lower resume temperature, so
// noise near the trigger does not make it flap. A hot board whose sensor
// blinks is not assumed cool: protection outlives a sensor fault for a grace
// period before it is released.
import type { Logger } from '../base/log';

/** Throws a RangeError naming the problem unless trigger and resume make sense together. */
export function validateThresholds(triggerC: number, resumeC: number): void {
  if (!Number.isFinite(triggerC) || triggerC < 40 || triggerC > 110) {
    throw new RangeError(`thermal trigger ${triggerC} °C is not plausible (40-110 °C)`);
  }
  if (!Number.isFinite(resumeC) || resumeC < 30 || resumeC > 105) {
    throw new RangeError(`thermal resume ${resumeC} °C is not plausible (30-105 °C)`);
  }
  if (!(triggerC > resumeC)) {
    throw new RangeError(
      `thermal trigger (${triggerC} °C) must be above thermal resume (${resumeC} °C)`,
    );
  }
}

export interface ProtectionSwitchOptions {
  triggerC: number;
  resumeC: number;
  /** How long protection outlives a sensor fault. */
  faultGraceMs: number;
  logger: Logger;
}

export class ProtectionSwitch {
  #triggerC: number;
  #resumeC: number;
  readonly #faultGraceMs: number;
  readonly #log: Logger;
  #since: number | undefined;

  constructor(options: ProtectionSwitchOptions) {
    validateThresholds(options.triggerC, options.resumeC);
    this.#triggerC = options.triggerC;
    this.#resumeC = options.resumeC;
    this.#faultGraceMs = options.faultGraceMs;
    this.#log = options.logger;
  }

  get triggerC(): number {
    return this.#triggerC;
  }

  get resumeC(): number {
    return this.#resumeC;
  }

  /** New thresholds from the next reading on; protection already on stays on until below resume. */
  setThresholds(triggerC: number, resumeC: number): void {
    validateThresholds(triggerC, resumeC);
    this.#triggerC = triggerC;
    this.#resumeC = resumeC;
  }

  get on(): boolean {
    return this.#since !== undefined;
  }

  /** When protection switched on, while it is on. */
  get since(): number | undefined {
    return this.#since;
  }

  /**
   * Applies a trusted reading; returns whether protection switched.
   * shownC is the reading as the status shows it, for the log.
   */
  reading(temperatureC: number, shownC: number, now: number): boolean {
    if (!this.on && temperatureC >= this.triggerC) {
      this.#since = now;
      this.#log.critical('thermal_protection_started', {
        temperatureC: shownC,
        triggerC: this.triggerC,
        resumeC: this.resumeC,
      });
      return true;
    }
    if (this.on && temperatureC < this.resumeC) {
      this.#release(now, shownC, undefined);
      return true;
    }
    return false;
  }

  /** A poll without a trusted reading; returns whether protection switched (off). */
  fault(reason: string, unavailableMs: number, now: number): boolean {
    if (!this.on || unavailableMs < this.#faultGraceMs) return false;
    this.#release(now, -1, reason);
    return true;
  }

  #release(now: number, shownC: number, fault: string | undefined): void {
    const durationMs = now - (this.#since ?? now);
    this.#since = undefined;
    this.#log.info('thermal_protection_ended', {
      temperatureC: shownC,
      durationMs,
      durationSec: Math.round(durationMs / 1000),
      ...(fault === undefined ? {} : { reason: `sensor unavailable: ${fault}` }),
    });
  }
}
