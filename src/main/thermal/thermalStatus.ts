// The ThermalStatus clients see, put together from the monitor's parts, and
// what in it counts as news. A new temperature, clock or fan speed travels as
// a small reading of its own; only the rest makes a status change.
import type { ThermalReading, ThermalStatus } from '../../shared/api';
import type { SensorSample, ThermalSource } from './source';

/** Temperatures go out to 0.1 °C: finer is sensor noise. */
export const roundToTenth = (n: number): number => Math.round(n * 10) / 10;

export interface StatusParts {
  /** The judged sample of this poll. */
  sample: SensorSample;
  protection: { on: boolean; since: number | undefined };
  triggerC: number;
  resumeC: number;
  source: ThermalSource['kind'];
  recent: ThermalReading[];
}

/** Before the first poll: nothing read, no protection. */
export function initialStatus(
  parts: Pick<StatusParts, 'triggerC' | 'resumeC' | 'source'>,
): ThermalStatus {
  return {
    available: false,
    temperatureC: -1,
    reason: 'not read yet',
    protection: false,
    ...parts,
    recent: [],
  };
}

export function assembleStatus(parts: StatusParts): ThermalStatus {
  const { sample, protection } = parts;
  return {
    available: sample.ok,
    temperatureC: sample.ok ? roundToTenth(sample.temperatureC) : -1,
    ...(sample.ok ? {} : { reason: sample.reason }),
    protection: protection.on,
    ...(protection.on && protection.since !== undefined
      ? { protectionSince: protection.since }
      : {}),
    triggerC: parts.triggerC,
    resumeC: parts.resumeC,
    ...(sample.cpuMHz === undefined ? {} : { cpuMHz: sample.cpuMHz }),
    ...(sample.fan === undefined ? {} : { fan: sample.fan }),
    ...(sample.firmwareThrottled === undefined
      ? {}
      : { firmwareThrottled: sample.firmwareThrottled }),
    source: parts.source,
    recent: parts.recent,
  };
}

/** Equal for two statuses that differ only in the newest reading, clock, fan or trend line. */
export function statusChangeKey(status: ThermalStatus): string {
  return JSON.stringify([
    status.available,
    status.reason,
    status.protection,
    status.protectionSince,
    status.triggerC,
    status.resumeC,
    status.firmwareThrottled,
    status.source,
  ]);
}
