// Reading the kernel's small sensor files: one read into a reused buffer, the
// zone file's millidegrees turned into °C, and read errors put into words.
import { closeSync, openSync, readSync } from 'node:fs';

const buffer = Buffer.alloc(256);

/** open + read + close into a reused buffer: no stat, no allocation beyond the string. */
export function readSmallFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Why the zone file could not be read, in words. */
export function describeReadError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no temperature sensor at ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied reading ${path}`;
    default:
      return `cannot read ${path} (${code ?? (error as Error).message})`;
  }
}

/** Millidegrees text to °C, or a reason why it is not a reading. */
export function parseMillidegrees(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'the sensor gave an empty reading';
  if (!/^-?\d{1,7}$/.test(trimmed)) {
    const shown = trimmed.length > 24 ? `${trimmed.slice(0, 24)}…` : trimmed;
    return `the sensor gave an unreadable value ${JSON.stringify(shown)}`;
  }
  return Number(trimmed) / 1000;
}
