// A Raspberry Pi 5 whose temperature follows the real inference load, so the
// whole protection loop can be seen and tested without a Pi.
//
// First-order model: dT/dt = (T_room + R*P - T) / tau, with P the share of the
// four cores busy. Calibrated to published Pi 5 figures:
// bare board idles near 50 °C at 22 °C room and, under full 4-core load, reaches
// 80 °C in about a minute and a half and would settle near 91 °C even with the
// firmware's own throttling (Phoronix: mean 81, peak 89 °C); with the official
// Active Cooler full load settles at 72 °C. The firmware caps the clock from
// 80 °C and throttles hard from 85 °C, which lowers power a little.
import type { InferenceLoad } from '../contracts/throttle';
import type { SensorSample, ThermalSource } from './source';

export interface BoardProfile {
  name: string;
  roomC: number;
  /** Rise above room at idle (R * P_idle). */
  idleRiseC: number;
  /** Extra rise with all four cores busy, before firmware throttling. */
  fullLoadRiseC: number;
  /** Thermal time constant. */
  tauSec: number;
  /** Whether an Active Cooler fan is fitted (its state is reported). */
  fan: boolean;
}

export const boardProfiles: Record<'bare' | 'active', BoardProfile> = {
  bare: { name: 'bare', roomC: 22, idleRiseC: 28, fullLoadRiseC: 46, tauSec: 90, fan: false },
  active: { name: 'active', roomC: 22, idleRiseC: 18, fullLoadRiseC: 32, tauSec: 60, fan: true },
};

/** Pi 5 firmware behaviour: clock and power share by temperature. */
function firmware(temperatureC: number): { mhz: number; power: number; throttled: boolean } {
  if (temperatureC >= 85) return { mhz: 1500, power: 0.9, throttled: true };
  if (temperatureC >= 80) return { mhz: 2000, power: 0.95, throttled: true };
  return { mhz: 2400, power: 1, throttled: false };
}

/** Active Cooler fan curve of the Pi 5 firmware (levels 0-4). */
function fanLevel(temperatureC: number): number {
  if (temperatureC >= 75) return 4;
  if (temperatureC >= 67.5) return 3;
  if (temperatureC >= 60) return 2;
  if (temperatureC >= 50) return 1;
  return 0;
}

export interface SimulatedBoardOptions {
  profile?: 'bare' | 'active' | BoardProfile;
  /** What the board is doing: sampled on every read and tick. */
  load: () => InferenceLoad;
  now: () => number;
  cores?: number;
  /** Sensor noise amplitude (uniform ±), °C. A real sensor is never perfectly still. */
  noiseC?: number;
  /** Deterministic by default so tests repeat exactly. */
  random?: () => number;
  /** Starting temperature; default the idle steady state. */
  startC?: number;
}

function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export class SimulatedBoard implements ThermalSource {
  readonly kind = 'simulated' as const;
  readonly profile: BoardProfile;
  readonly #load: () => InferenceLoad;
  readonly #now: () => number;
  readonly #cores: number;
  readonly #noiseC: number;
  readonly #random: () => number;
  #temperatureC: number;
  #lastTime: number;
  /** Load share (0..1) since the last update: applies to the interval that follows. */
  #share: number;

  constructor(options: SimulatedBoardOptions) {
    const profile = options.profile ?? 'bare';
    this.profile = typeof profile === 'string' ? boardProfiles[profile] : profile;
    this.#load = options.load;
    this.#now = options.now;
    this.#cores = options.cores ?? 4;
    this.#noiseC = options.noiseC ?? 0.2;
    this.#random = options.random ?? seededRandom();
    this.#temperatureC = options.startC ?? this.profile.roomC + this.profile.idleRiseC;
    this.#lastTime = this.#now();
    this.#share = this.#sampleShare();
  }

  /** The true die temperature, without sensor noise. */
  get temperatureC(): number {
    return this.#temperatureC;
  }

  /** Share of the cores busy (0..1) as last sampled. */
  get loadShare(): number {
    return this.#share;
  }

  #sampleShare(): number {
    const load = this.#load();
    if (!load.busy) return 0;
    return Math.min(Math.max(load.threads, 0), this.#cores) / this.#cores;
  }

  /**
   * Integrates the heat model up to now and samples the load for the next
   * interval. read() calls it; calling it more often (e.g. every 250 ms)
   * follows a load that changes faster than the poll.
   */
  tick(): void {
    const now = this.#now();
    let remaining = (now - this.#lastTime) / 1000;
    this.#lastTime = now;
    // Exact for a constant power; sub-steps so firmware throttling can kick in.
    while (remaining > 0) {
      const dt = Math.min(remaining, 1);
      remaining -= dt;
      const { power } = firmware(this.#temperatureC);
      const p = this.profile;
      const steady = p.roomC + p.idleRiseC + p.fullLoadRiseC * this.#share * power;
      this.#temperatureC = steady + (this.#temperatureC - steady) * Math.exp(-dt / p.tauSec);
    }
    this.#share = this.#sampleShare();
  }

  read(): SensorSample {
    this.tick();
    const t = this.#temperatureC;
    const noise = (this.#random() * 2 - 1) * this.#noiseC;
    const fw = firmware(t);
    const sample: SensorSample = {
      ok: true,
      temperatureC: Math.round((t + noise) * 1000) / 1000,
      cpuMHz: this.#share > 0 ? fw.mhz : Math.min(fw.mhz, 1500),
      firmwareThrottled: fw.throttled,
    };
    if (this.profile.fan) {
      const level = fanLevel(t);
      sample.fan = level === 0 ? 'off' : `level ${level} of 4`;
    }
    return sample;
  }
}
