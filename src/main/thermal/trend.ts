// The readings of the last minutes: every one of them (history), and a thinned
// trend line of at most a hundred-odd points that the status carries to the UI.
import type { ThermalReading } from '../../shared/api';
import { roundToTenth } from './thermalStatus';

export interface ReadingTrendOptions {
  /** Readings older than this are dropped. */
  historyMs: number;
  /** At most one trend point per this many ms. */
  pointEveryMs: number;
}

export class ReadingTrend {
  readonly #historyMs: number;
  readonly #pointEveryMs: number;
  /** Every reading within historyMs from #historyStart on; the rest waits for compaction. */
  #history: ThermalReading[] = [];
  #historyStart = 0;
  #recent: ThermalReading[] = [];

  constructor(options: ReadingTrendOptions) {
    this.#historyMs = options.historyMs;
    this.#pointEveryMs = options.pointEveryMs;
  }

  /** Every reading of the last historyMs, oldest first. */
  history(): ThermalReading[] {
    return this.#history.slice(this.#historyStart);
  }

  /** The trend line, to 0.1 °C, oldest first. A new array whenever a point is added. */
  get recent(): ThermalReading[] {
    return this.#recent;
  }

  record(reading: ThermalReading): void {
    this.#history.push(reading);
    const horizon = reading.time - this.#historyMs;
    while (this.#historyStart < this.#history.length) {
      const oldest = this.#history[this.#historyStart];
      if (!oldest || oldest.time >= horizon) break;
      this.#historyStart++;
    }
    // Compact now and then rather than shifting on every poll.
    if (this.#historyStart > 1024 && this.#historyStart * 2 > this.#history.length) {
      this.#history = this.#history.slice(this.#historyStart);
      this.#historyStart = 0;
    }
    const lastPoint = this.#recent[this.#recent.length - 1];
    if (!lastPoint || reading.time - lastPoint.time >= this.#pointEveryMs) {
      const rounded = { time: reading.time, temperatureC: roundToTenth(reading.temperatureC) };
      this.#recent = [...this.#recent.filter((r) => r.time >= horizon), rounded];
    }
  }
}
