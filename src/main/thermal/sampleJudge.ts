// Decides whether a sensor sample can be trusted. The source already reports
// what it could not read (a missing file, a denied permission, garbage); the
// judge adds what only a series shows: a value no working board reads, or one
// stuck identical for minutes. Every fault becomes a reason in words, and a
// source that throws is a fault like any other, never an exception.
import type { SensorSample, ThermalSource } from './source';

/** Readings outside this range are not temperatures of a working board. */
export const plausibleRangeC = { min: -40, max: 150 } as const;

export class SampleJudge {
  readonly #stuckAfterMs: number;
  #lastValue: number | undefined;
  #lastValueSince = 0;

  /** stuckAfterMs: a value identical for this long is a stuck sensor. */
  constructor(stuckAfterMs: number) {
    this.#stuckAfterMs = stuckAfterMs;
  }

  /** Reads the source once; the sample is ok only when its temperature can be trusted. */
  take(source: ThermalSource, now: number): SensorSample {
    const sample = readSafely(source);
    if (!sample.ok) return sample;
    const fault = this.#judge(sample.temperatureC, now);
    if (fault === undefined) return sample;
    const { cpuMHz, fan, firmwareThrottled } = sample;
    return { ok: false, reason: fault, cpuMHz, fan, firmwareThrottled };
  }

  /** Why a numeric reading is not to be trusted, or undefined when it is fine. */
  #judge(value: number, now: number): string | undefined {
    if (!Number.isFinite(value) || value < plausibleRangeC.min || value > plausibleRangeC.max) {
      this.#lastValue = undefined;
      return `implausible reading ${value} °C (expected ${plausibleRangeC.min} to ${plausibleRangeC.max} °C)`;
    }
    if (value !== this.#lastValue) {
      this.#lastValue = value;
      this.#lastValueSince = now;
      return undefined;
    }
    const stuckMs = now - this.#lastValueSince;
    if (stuckMs >= this.#stuckAfterMs) {
      return `the sensor has read exactly ${value} °C for ${Math.round(stuckMs / 60_000)} min: it looks stuck`;
    }
    return undefined;
  }
}

function readSafely(source: ThermalSource): SensorSample {
  try {
    return source.read();
  } catch (error) {
    return { ok: false, reason: `sensor read failed: ${(error as Error).message}` };
  }
}
