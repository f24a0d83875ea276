// The download progress bar for `npm run model -- pull`, redrawn in place on a
// terminal and printed as a few plain lines when output goes to a file or a
// pipe (an SSH session logged with tee should stay readable).
import type { DownloadProgress } from './download';
import { formatBytes, formatDuration } from './units';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 24;

export function progressLine(progress: DownloadProgress): string {
  const { bytes, total, bytesPerSecond, secondsLeft } = progress;
  const label = progress.phase === 'verify' ? 'Checking ' : 'Downloading ';
  if (total === null || total === 0) {
    return `${label}${formatBytes(bytes)}  ${formatBytes(bytesPerSecond)}/s`;
  }
  const fraction = Math.min(1, bytes / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const parts = [`${label}${bar} ${percent}`, `${formatBytes(bytes)} of ${formatBytes(total)}`];
  if (progress.phase === 'download' && bytesPerSecond > 0) {
    parts.push(`${formatBytes(bytesPerSecond)}/s`);
    if (secondsLeft !== null) parts.push(`${formatDuration(secondsLeft)} left`);
  }
  return parts.join('  ');
}

export class TerminalProgress {
  readonly #stream: ProgressStream;
  #drawn = false;
  #lastStep = new Map<DownloadProgress['phase'], number>();

  constructor(stream: ProgressStream) {
    this.#stream = stream;
  }

  update(progress: DownloadProgress): void {
    if (this.#stream.isTTY) {
      this.#stream.write(`\r${progressLine(progress)}\x1b[K`);
      this.#drawn = true;
      return;
    }
    // Without a terminal: one line per quarter of each phase.
    const step = progress.total ? Math.floor((progress.bytes / progress.total) * 4) : 0;
    if (step === this.#lastStep.get(progress.phase)) return;
    this.#lastStep.set(progress.phase, step);
    this.#stream.write(`${progressLine(progress)}\n`);
  }

  /** Ends the redrawn line so what follows starts on a line of its own. */
  finish(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }
}
