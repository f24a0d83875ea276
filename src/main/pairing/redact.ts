// Keeps pairing codes, device tokens and resume secrets out of logs. Logs are
// read by people and copied into bug reports; a code or token in one would let
// its reader pair or pose as a phone. Three nets, so one miss is caught by
// another: secret-looking URL query values, the device cookie in Cookie and
// Set-Cookie headers, and the exact secrets registered while they are live.
// The owner secret and its cookie are kept out the same way.
import { subscription, type Subscription } from '../../shared/emitter';
import { loggerFrom, type Logger, type LogLevel } from '../base/log';
import { DEVICE_COOKIE } from './deviceCookie';
import { OWNER_COOKIE } from './ownerCookie';

export const REDACTED = '[redacted]';

export interface RedactorOptions {
  /** Query keys whose values are secrets (default code, token, secret, resume). */
  queryKeys?: readonly string[];
  /** Cookies whose values are secrets (default the device and owner cookies). */
  cookieNames?: readonly string[];
  /** Most registered secrets kept; the oldest are dropped first (default 64). */
  maxSecrets?: number;
}

/** Shorter strings are too likely to occur by chance to be replaced everywhere. */
const MIN_SECRET_LENGTH = 8;
const MAX_DEPTH = 8;

export class Redactor {
  readonly #query: RegExp;
  readonly #cookie: RegExp;
  readonly #secrets = new Set<string>();
  readonly #maxSecrets: number;

  constructor(options: RedactorOptions = {}) {
    const keys = (options.queryKeys ?? ['code', 'token', 'secret', 'resume']).map(escape);
    const cookies = (options.cookieNames ?? [DEVICE_COOKIE, OWNER_COOKIE]).map(escape);
    // A key starts a query, follows a separator, or follows their percent-encoded
    // forms (a URL carried inside another URL's parameter).
    this.#query = new RegExp(
      `((?:^|[?&;#\\s"'(]|%3F|%26)(?:${keys.join('|')})(?:=|%3D))[^&#\\s"';,)]*`,
      'gi',
    );
    this.#cookie = new RegExp(`((?:^|[\\s;,"'])(?:${cookies.join('|')})=)[^;,\\s"']*`, 'g');
    this.#maxSecrets = options.maxSecrets ?? 64;
  }

  /**
   * Redacts this exact string wherever it appears, until the returned
   * subscription is called (when the code rotates, or the session ends).
   */
  addSecret(secret: string): Subscription {
    if (secret.length < MIN_SECRET_LENGTH) return subscription(() => {});
    this.#secrets.delete(secret);
    this.#secrets.add(secret);
    while (this.#secrets.size > this.#maxSecrets) {
      const oldest = this.#secrets.values().next();
      if (oldest.done) break;
      this.#secrets.delete(oldest.value);
    }
    return subscription(() => this.#secrets.delete(secret));
  }

  redact(text: string): string {
    let out = text.replace(this.#query, `$1${REDACTED}`).replace(this.#cookie, `$1${REDACTED}`);
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Redacts every string inside a log context: objects, arrays, errors. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    if (value instanceof Error) return this.redact(String(value.stack ?? value.message));
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.redactValue(item, depth + 1);
    return out;
  }
}

/** A logger that redacts every context before it is written. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const log = (level: LogLevel, eventType: string, context?: Record<string, unknown>): void => {
    logger.log(
      level,
      eventType,
      context && (redactor.redactValue(context) as Record<string, unknown>),
    );
  };
  return loggerFrom(log);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
