// Loggers for tests and benchmarks: one that records, one that drops everything.
import type { Logger, LogLevel } from '../main/base/log';

/** A logger that keeps entries in memory, for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & {
  entries: { level: LogLevel; eventType: string; context: Record<string, unknown> }[];
} {
  const entries: { level: LogLevel; eventType: string; context: Record<string, unknown> }[] = [];
  const log = (level: LogLevel, eventType: string, context: Record<string, unknown> = {}): void => {
    entries.push({ level, eventType, context });
  };
  return {
    entries,
    log,
    info: (e, c) => log('info', e, c),
    warn: (e, c) => log('warn', e, c),
    error: (e, c) => log('error', e, c),
    critical: (e, c) => log('critical', e, c),
    debug: (e, c) => log('debug', e, c),
  };
}

/** Drops every entry: for benchmarks and loops where recording would itself cost or leak. */
export const silentLogger: Logger = {
  log: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  critical: () => {},
  debug: () => {},
};
