// Loggers for tests and benchmarks: one that records, one that drops everything.
import { loggerFrom, type Logger, type LogLevel } from '../main/base/log';

/** A logger that keeps entries in memory, for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & {
  entries: { level: LogLevel; eventType: string; context: Record<string, unknown> }[];
} {
  const entries: { level: LogLevel; eventType: string; context: Record<string, unknown> }[] = [];
  const log = (level: LogLevel, eventType: string, context: Record<string, unknown> = {}): void => {
    entries.push({ level, eventType, context });
  };
  return { entries, ...loggerFrom(log) };
}

/** Drops every entry: for benchmarks and loops where recording would itself cost or leak. */
export const silentLogger: Logger = loggerFrom(() => {});
