// The gauge's temperature trend: a full thermal status carries the server's own
// history, and each new reading in between extends it.
import type { HearthEvent, ThermalReading, ThermalStatus } from '../../../shared/api';

export type ReadingEvent = Extract<HearthEvent, { type: 'thermalReading' }>;

/** How far back the trend line reaches, from its newest reading. */
export const TREND_WINDOW_MS = 10 * 60_000;

/** The trend a full status describes: its `recent` list, trimmed to the window. */
export function trendOf(status: ThermalStatus): ThermalReading[] {
  return withinWindow(status.recent);
}

/** The trend with one new reading appended; a reading no newer than the last is ignored. */
export function appendReading(trend: ThermalReading[], reading: ThermalReading): ThermalReading[] {
  const last = trend.at(-1);
  if (last && last.time >= reading.time) return trend;
  return withinWindow([...trend, reading]);
}

/** A thermal status updated by one reading (its temperature, and the extras sent with it). */
export function withReading(status: ThermalStatus, event: ReadingEvent): ThermalStatus {
  const next: ThermalStatus = { ...status, temperatureC: event.reading.temperatureC };
  if (event.cpuMHz !== undefined) next.cpuMHz = event.cpuMHz;
  if (event.fan !== undefined) next.fan = event.fan;
  return next;
}

function withinWindow(readings: ThermalReading[]): ThermalReading[] {
  const newest = readings.at(-1);
  if (!newest) return readings;
  const first = readings.findIndex((r) => r.time >= newest.time - TREND_WINDOW_MS);
  return first > 0 ? readings.slice(first) : readings;
}
