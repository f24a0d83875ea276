// Whether the sensor is giving trusted readings, since when it has not, and
// the log line of each change: a warning for each new fault, info on recovery.
import type { Logger } from '../base/log';
import type { ThermalSource } from './source';

export class SensorAvailability {
  readonly #log: Logger;
  #available = false;
  #reason: string | undefined = 'not read yet';
  #unavailableSince: number | undefined;

  constructor(logger: Logger) {
    this.#log = logger;
  }

  /** A trusted reading arrived (shownC as the status shows it). */
  up(shownC: number, now: number): void {
    if (!this.#available && this.#unavailableSince !== undefined) {
      this.#log.info('thermal_sensor_recovered', {
        temperatureC: shownC,
        unavailableMs: now - this.#unavailableSince,
      });
    }
    this.#available = true;
    this.#reason = undefined;
    this.#unavailableSince = undefined;
  }

  /** A poll gave no trusted reading; returns how long the sensor has been unavailable, in ms. */
  down(reason: string, sourceKind: ThermalSource['kind'], now: number): number {
    this.#unavailableSince ??= now;
    if (this.#available || this.#reason !== reason) {
      // The first look at a board without a sensor is not a fault worth a warning.
      const level = sourceKind === 'none' && !this.#available ? 'debug' : 'warn';
      this.#log.log(level, 'thermal_sensor_unavailable', { reason });
    }
    this.#available = false;
    this.#reason = reason;
    return now - this.#unavailableSince;
  }
}
