// Judging a finished cooling check: the peak, the time until the temperature
// settled, and a verdict a Pi owner can act on.
import type { CoolingCheckReport, ThermalReading } from '../../shared/api';

/** Within this many °C of the final mean counts as steady. */
export const steadyToleranceC = 1;

/**
 * Seconds from the start until the temperature settled: the first sample after
 * which every sample stays within ±1 °C of the mean of the last fifth of the
 * run. null when the run is too short or the end itself is not steady (still
 * rising).
 */
export function secondsToSteadyState(samples: ThermalReading[], startedAt: number): number | null {
  if (samples.length < 10) return null;
  const tail = samples.slice(-Math.max(5, Math.ceil(samples.length / 5)));
  const finalMean = tail.reduce((sum, s) => sum + s.temperatureC, 0) / tail.length;
  const within = (s: ThermalReading): boolean =>
    Math.abs(s.temperatureC - finalMean) <= steadyToleranceC;
  if (!tail.every(within)) return null;
  let first = samples.length - 1;
  while (first > 0) {
    const previous = samples[first - 1];
    if (!previous || !within(previous)) break;
    first--;
  }
  const settled = samples[first];
  return settled ? Math.round((settled.time - startedAt) / 1000) : null;
}

export function verdict(report: {
  peakC: number;
  secondsToSteadyState: number | null;
  firmwareThrottled: boolean;
  protection: boolean;
  triggerC: number;
}): string {
  const peak = `${Math.round(report.peakC)} °C`;
  if (report.protection || report.firmwareThrottled || report.peakC >= report.triggerC) {
    return `Insufficient: add a fan. The board reached ${peak} and had to slow down; the official Active Cooler keeps a Pi 5 near 72 °C at full load.`;
  }
  if (report.peakC >= 80) {
    return `Marginal: peak ${peak}, at the firmware's 80 °C soft limit. Long answers may slow down; a fan is recommended.`;
  }
  if (report.secondsToSteadyState === null) {
    return `Cooling looks good so far: peak ${peak}, but it was still rising at the end. Run a longer check to be sure.`;
  }
  if (report.peakC >= 75) {
    return `Marginal: peak ${peak}, steady after ${report.secondsToSteadyState} s, with little headroom below 80 °C.`;
  }
  return `Cooling is good: peak ${peak}, steady after ${report.secondsToSteadyState} s.`;
}

export type EndState = 'done' | 'stopped' | 'protection' | 'error';

/** The running report as it ends: its peak, steady time, throttling and verdict. */
export function endReport(
  report: CoolingCheckReport,
  outcome: { state: EndState; firmwareThrottled: boolean; triggerC: number; error?: string },
  now: number,
): CoolingCheckReport {
  const { state, firmwareThrottled, error } = outcome;
  const samples = report.samples;
  const peakC = samples.reduce((max, s) => Math.max(max, s.temperatureC), Number.NEGATIVE_INFINITY);
  const steady = secondsToSteadyState(samples, report.startedAt ?? now);
  const ended: CoolingCheckReport = {
    ...report,
    state,
    ...(samples.length > 0 ? { peakC: Math.round(peakC * 10) / 10 } : {}),
    secondsToSteadyState: steady,
    firmwareThrottled,
    ...(error === undefined ? {} : { error }),
  };
  if (samples.length > 0 && state !== 'error') {
    const text = verdict({
      peakC,
      secondsToSteadyState: steady,
      firmwareThrottled,
      protection: state === 'protection',
      triggerC: outcome.triggerC,
    });
    ended.verdict = state === 'stopped' ? `Stopped early. ${text}` : text;
  }
  return ended;
}
