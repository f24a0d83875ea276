// What a temperature source gives the monitor on each poll.

export type SensorSample =
  | {
      ok: true;
      temperatureC: number;
      cpuMHz?: number;
      /** Fan state in words, e.g. "level 2 of 4" or "3400 rpm". */
      fan?: string;
      firmwareThrottled?: boolean;
    }
  | { ok: false; reason: string; cpuMHz?: number; fan?: string; firmwareThrottled?: boolean };

export interface ThermalSource {
  /** 'none' until a sensor has given a reading. */
  readonly kind: 'sysfs' | 'simulated' | 'none';
  /** Fast and synchronous; reports faults in the sample, never throws. */
  read(): SensorSample;
  /** Releases what the source holds (a helper process still running), for good. */
  dispose?(): Promise<void>;
}
