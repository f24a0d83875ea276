// Structured logs: one JSON object per line with time, level, event_type, context.
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'critical';

export interface Logger {
  log(level: LogLevel, eventType: string, context?: Record<string, unknown>): void;
  info(eventType: string, context?: Record<string, unknown>): void;
  warn(eventType: string, context?: Record<string, unknown>): void;
  error(eventType: string, context?: Record<string, unknown>): void;
  /** For conditions that threaten the hardware (thermal protection). */
  critical(eventType: string, context?: Record<string, unknown>): void;
  debug(eventType: string, context?: Record<string, unknown>): void;
}

/** A Logger whose every level method goes through the one `log` given. */
export function loggerFrom(log: Logger['log']): Logger {
  return {
    log,
    info: (e, c) => log('info', e, c),
    warn: (e, c) => log('warn', e, c),
    error: (e, c) => log('error', e, c),
    critical: (e, c) => log('critical', e, c),
    debug: (e, c) => log('debug', e, c),
  };
}

export function createLogger(
  level = 'info',
  destination: DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger & { flush(): void } {
  const base: PinoLogger<'critical'> = pino(
    {
      level,
      base: undefined,
      messageKey: 'event_type',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      customLevels: { critical: 55 },
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    destination,
  );
  const log = (lvl: LogLevel, eventType: string, context: Record<string, unknown> = {}): void => {
    base[lvl]({ context }, eventType);
  };
  return { ...loggerFrom(log), flush: () => base.flush() };
}
