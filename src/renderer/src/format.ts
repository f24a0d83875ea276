// How numbers and states read on screen. Pure, so they are tested without a DOM.
import type {
  AnswerStats,
  CoolingCheckReport,
  ModelDownload,
  ThermalStatus,
} from '../../shared/api';
import type { LinkState } from '../../shared/transport';
import { formatBytes } from '../../shared/formatBytes';

export { formatBytes };

export function formatTemperature(celsius: number): string {
  return `${celsius.toFixed(1)} °C`;
}

/** "41.2 tok/s · first token 12 ms" */
export function formatStats(stats: AnswerStats): string {
  const ttft =
    stats.timeToFirstTokenMs >= 1000
      ? `${(stats.timeToFirstTokenMs / 1000).toFixed(1)} s`
      : `${Math.round(stats.timeToFirstTokenMs)} ms`;
  return `${stats.tokensPerSecond.toFixed(1)} tok/s · first token ${ttft}`;
}

export function formatLink(link: LinkState): string {
  switch (link.state) {
    case 'connected':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return `Reconnecting (attempt ${link.attempt} of ${link.maxAttempts})`;
    case 'lost':
      return 'Connection lost';
  }
}

export type ThermalBand = 'unknown' | 'normal' | 'warm' | 'hot';

/** Colour band of the gauge: warm from the resume threshold, hot from the trigger. */
export function thermalBand(thermal: ThermalStatus | null): ThermalBand {
  if (!thermal?.available) return 'unknown';
  if (thermal.protection || thermal.temperatureC >= thermal.triggerC) return 'hot';
  if (thermal.temperatureC >= thermal.resumeC) return 'warm';
  return 'normal';
}

export function coolingBanner(thermal: ThermalStatus): string {
  const reading = thermal.available ? ` (${Math.round(thermal.temperatureC)} °C)` : '';
  return `Cooling down — answers are slowed to protect the board${reading}`;
}

/** "45 s", "3 min", "2 min 30 s" */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** The cooling check's samples as CSV: one row per second, ISO time, elapsed seconds, °C. */
export function coolingCheckCsv(report: CoolingCheckReport): string {
  const start = report.startedAt ?? report.samples[0]?.time ?? 0;
  const rows = report.samples.map(
    (s) =>
      `${new Date(s.time).toISOString()},${((s.time - start) / 1000).toFixed(1)},${s.temperatureC.toFixed(2)}`,
  );
  return ['time,elapsed_s,temperature_c', ...rows].join('\n') + '\n';
}

export function coolingCheckFileName(report: CoolingCheckReport): string {
  const when = new Date(report.startedAt ?? report.samples[0]?.time ?? Date.now());
  const stamp = when.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `hearth-cooling-check-${stamp}.csv`;
}

export function formatWhen(time: number, now: number = Date.now()): string {
  const date = new Date(time);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** "less than a minute", "about 3 minutes", "about 2 hours": a download's time left, not a timer. */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  const hours = Math.round(seconds / 3600);
  return `about ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

/** Decoding speed as a reader feels it: a token is about three quarters of an English word. */
export function formatModelSpeed(tokensPerSecond: number): string {
  const words = Math.round(tokensPerSecond * 0.75);
  if (words < 1) return `${tokensPerSecond.toFixed(1)} tokens/s`;
  return `about ${words} ${words === 1 ? 'word' : 'words'} a second`;
}

type DownloadShape = Pick<
  ModelDownload,
  'state' | 'bytes' | 'total' | 'bytesPerSecond' | 'secondsLeft'
>;

/** Whole percent done, or null while the size is unknown (the bar then shows no value). */
export function downloadPercent(download: DownloadShape): number | null {
  if (download.state === 'done') return 100;
  if (download.total === null || download.total <= 0) return null;
  return Math.min(100, Math.floor((download.bytes / download.total) * 100));
}

/** "120 MB of 398 MB · 2.1 MB/s · about 3 minutes left", or what happens now in words. */
export function downloadProgressText(download: DownloadShape): string {
  switch (download.state) {
    case 'verifying':
      return 'Checking the file…';
    case 'loading':
      return 'Loading the model…';
    case 'done':
      return 'Ready.';
    case 'failed':
    case 'cancelled':
      return '';
    case 'downloading':
    case 'copying': {
      const { bytes, total, bytesPerSecond, secondsLeft } = download;
      const parts = [
        total === null ? formatBytes(bytes) : `${formatBytes(bytes)} of ${formatBytes(total)}`,
      ];
      if (bytesPerSecond > 0) parts.push(`${formatBytes(bytesPerSecond)}/s`);
      if (secondsLeft !== null && bytesPerSecond > 0)
        parts.push(`${formatTimeLeft(secondsLeft)} left`);
      return parts.join(' · ');
    }
  }
}
