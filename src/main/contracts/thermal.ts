// What the API service needs from the thermal side, as small interfaces the
// real monitor and cooling check implement (and tests can stand in for).
import type { CoolingCheckReport, ThermalReading, ThermalStatus } from '../../shared/api';
import type { Subscription } from '../../shared/emitter';

/** One new temperature, with the clock and fan read alongside it. */
export interface ThermalReadingSample {
  reading: ThermalReading;
  cpuMHz?: number;
  fan?: string;
}

export interface ThermalPort {
  /** The whole status: the newest reading and the full trend line. */
  status(): ThermalStatus;
  /**
   * Fires when the status changes in something other than its newest reading,
   * clock or fan: availability, reason, protection, thresholds, firmware
   * throttling or source.
   */
  onStatus(listener: (status: ThermalStatus) => void): Subscription;
  /** Fires on every poll that gave a trusted temperature. */
  onReading(listener: (sample: ThermalReadingSample) => void): Subscription;
}

/** Changes the protection thresholds while Hearth runs (from Settings). */
export interface ThermalThresholdsPort {
  /** Throws a RangeError naming the problem unless trigger and resume make sense together. */
  setThresholds(triggerC: number, resumeC: number): void;
}

export interface CoolingCheckPort {
  start(durationSec: number): CoolingCheckReport;
  stop(): Promise<CoolingCheckReport>;
  report(): CoolingCheckReport;
  onReport(listener: (report: CoolingCheckReport) => void): Subscription;
}
