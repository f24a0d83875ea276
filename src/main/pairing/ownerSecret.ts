// The owner secret: what makes a browser the owner. The address a request comes
// from proves nothing (another user on the Pi, a service, an `ssh -L` forward
// all arrive from loopback), so a browser becomes the owner only by opening the
// owner page with this secret; it then holds a cookie whose token is an HMAC
// of the secret. The secret lives in <dataDir>/owner-secret (0600) for scripts
// and the owner's shell, so cookies outlive restarts; rotating it signs every
// owner browser out. A disk that cannot take the file does not stop start-up:
// the secret is then kept for this run only.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Emitter, type Subscription } from '../../shared/emitter';
import { removeLeftoverTemps, writeFileAtomicMarked } from '../base/atomicWrite';
import { nodeFileSystem } from '../base/fileSystem';
import type { Logger } from '../base/log';
import type { OwnerAccessPort } from '../contracts/ownerAccess';
import { AttemptLimiter, type AttemptLimiterOptions } from './attemptLimiter';
import { Redactor } from './redact';

export const OWNER_SECRET_FILE = 'owner-secret';
export const OWNER_PATH = '/owner';
/** The file holds the secret alone: readable by the owner only. */
export const OWNER_SECRET_MODE = 0o600;

/** 32 random bytes as base64url: 43 characters. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** What the cookie token is an HMAC of; a new version would sign everyone out once. */
const COOKIE_PURPOSE = 'hearth owner cookie v1';

export function ownerSecretPath(dataDir: string): string {
  return join(dataDir, OWNER_SECRET_FILE);
}

/** Whether text has the shape of an owner secret (what the file holds, trimmed). */
export function isOwnerSecret(text: string): boolean {
  return SECRET_PATTERN.test(text);
}

export function newOwnerSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface OwnerSecretOptions {
  dataDir: string;
  logger: Logger;
  /** The secret and cookie tokens are registered here, so logs never show them. */
  redactor?: Redactor;
  /** Wrong secrets on the owner page, per address (as for pairing codes). */
  limits?: AttemptLimiterOptions;
}

export type OwnerProof =
  | { ok: true; token: string }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

interface Keys {
  secret: string;
  /** sha256 of the secret: what a presented secret is compared with. */
  secretHash: Buffer;
  /** The owner cookie's value. */
  token: string;
  tokenHash: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function keysFor(secret: string): Keys {
  const token = createHmac('sha256', secret).update(COOKIE_PURPOSE).digest('base64url');
  return { secret, secretHash: sha256(secret), token, tokenHash: sha256(token) };
}

/**
 * Constant time whatever the input: both sides are hashed to 32 bytes first, so
 * neither the content nor the length of a guess shows in how long it takes.
 */
function sameHash(given: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(given), expected);
}

export class OwnerSecret implements OwnerAccessPort {
  readonly path: string;
  readonly #logger: Logger;
  readonly #redactor: Redactor;
  readonly #limiter: AttemptLimiter;
  readonly #onRotate: Emitter<void>;
  #keys: Keys;
  #saved: boolean;
  /** Writes of the file, one after another, so the last rotation is what stays. */
  #writing: Promise<void> = Promise.resolve();

  private constructor(options: OwnerSecretOptions, secret: string, saved: boolean) {
    this.path = ownerSecretPath(options.dataDir);
    this.#logger = options.logger;
    this.#redactor = options.redactor ?? new Redactor();
    this.#limiter = new AttemptLimiter(options.limits);
    this.#onRotate = new Emitter((error) =>
      options.logger.error('owner_rotate_listener_failed', { error: String(error) }),
    );
    this.#keys = this.#use(secret);
    this.#saved = saved;
  }

  /**
   * Reads <dataDir>/owner-secret, or makes one. A file that holds something
   * else is replaced; one that cannot be written (a full disk) leaves the new
   * secret in memory for this run, with one warning.
   */
  static async open(options: OwnerSecretOptions): Promise<OwnerSecret> {
    const { logger } = options;
    const path = ownerSecretPath(options.dataDir);
    await removeLeftoverTemps(nodeFileSystem, path);
    const stored = await readSecret(path, logger);
    if (stored !== undefined) return new OwnerSecret(options, stored, true);
    const secret = newOwnerSecret();
    const saved = await writeSecret(path, secret).then(
      () => true,
      (error: unknown) => {
        logger.warn('owner_secret_not_saved', {
          path,
          error: errorText(error),
          effect: 'the owner page link works until Hearth stops; a restart makes a new one',
        });
        return false;
      },
    );
    if (saved) logger.info('owner_secret_created', { path });
    return new OwnerSecret(options, secret, saved);
  }

  /** The current secret, for the owner page link printed at start-up. */
  get secret(): string {
    return this.#keys.secret;
  }

  /** False when the file could not be written and the secret lives in memory only. */
  get saved(): boolean {
    return this.#saved;
  }

  /** The owner page on an origin (http://127.0.0.1:8737): opening it makes a browser the owner. */
  url(origin: string): string {
    return `${origin}${OWNER_PATH}?secret=${this.#keys.secret}`;
  }

  /** Whether a cookie token was made from the current secret. */
  isOwnerToken(token: string | undefined): boolean {
    return token !== undefined && sameHash(token, this.#keys.tokenHash);
  }

  /**
   * Checks a secret from the owner page: the cookie token when it is right.
   * Wrong or missing secrets count against the address, as wrong pairing codes do.
   */
  prove(secret: string | undefined, remoteAddress: string | undefined): OwnerProof {
    const verdict = this.#limiter.check(remoteAddress);
    if (!verdict.allowed) {
      this.#logger.warn('owner_refused', {
        remoteAddress,
        reason: 'locked_out',
        retryAfterMs: verdict.retryAfterMs,
      });
      return { ok: false, reason: 'locked', retryAfterMs: verdict.retryAfterMs };
    }
    if (secret === undefined || !sameHash(secret, this.#keys.secretHash)) {
      const next = this.#limiter.failed(remoteAddress);
      this.#logger.warn('owner_refused', {
        remoteAddress,
        reason: secret === undefined ? 'no_secret' : 'wrong_secret',
        lockedOut: !next.allowed,
      });
      return { ok: false, reason: 'wrong' };
    }
    this.#limiter.succeeded(remoteAddress);
    this.#logger.info('owner_signed_in', { remoteAddress });
    return { ok: true, token: this.#keys.token };
  }

  /**
   * A new secret: every owner cookie stops working at once and listeners close
   * owner browsers' connections. If the file cannot take it, the old file is
   * removed, so a restart cannot bring the old secret (and its cookies) back.
   */
  async rotate(): Promise<void> {
    const secret = newOwnerSecret();
    this.#keys = this.#use(secret);
    this.#onRotate.fire();
    this.#logger.info('owner_secret_rotated', { path: this.path });
    const write = this.#writing.then(async () => {
      try {
        await writeSecret(this.path, secret);
        this.#saved = true;
      } catch (error) {
        this.#saved = false;
        const removed = await rm(this.path, { force: true }).then(
          () => true,
          () => false,
        );
        this.#logger.warn('owner_secret_not_saved', {
          path: this.path,
          error: errorText(error),
          effect: removed
            ? 'the new owner page link works until Hearth stops; the old file was removed, so a restart makes a new one'
            : 'the new owner page link works until Hearth stops; the old file could not be removed either, so a restart would bring the old secret back: delete it by hand',
        });
      }
    });
    this.#writing = write;
    await write;
  }

  /** Fires after each rotation, once old cookies have stopped working. */
  onRotate(listener: () => void): Subscription {
    return this.#onRotate.subscribe(listener);
  }

  /** Waits for a write under way; the secret keeps working for what still holds it. */
  async dispose(): Promise<void> {
    this.#onRotate.dispose();
    await this.#writing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #use(secret: string): Keys {
    const keys = keysFor(secret);
    this.#redactor.addSecret(keys.secret);
    this.#redactor.addSecret(keys.token);
    return keys;
  }
}

/** The stored secret, or undefined when there is none (or it is not one: then it is replaced). */
async function readSecret(path: string, logger: Logger): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the owner secret ${path}: ${errorText(error)}`);
  }
  const secret = text.trim();
  if (!SECRET_PATTERN.test(secret)) {
    // Never the content: it may be a secret someone typed by hand.
    logger.warn('owner_secret_invalid', {
      path,
      problem: 'expected 43 base64url characters (32 random bytes)',
      effect: 'a new secret replaces it',
    });
    return undefined;
  }
  await tighten(path, logger);
  return secret;
}

/**
 * A file others can read is narrowed to 0600, saying so (as the data directory
 * is). Where it cannot be (a read-only card), the warning says so and start-up goes on.
 */
async function tighten(path: string, logger: Logger): Promise<void> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  const from = mode.toString(8).padStart(4, '0');
  const to = OWNER_SECRET_MODE.toString(8).padStart(4, '0');
  try {
    await chmod(path, OWNER_SECRET_MODE);
    logger.warn('owner_secret_tightened', { path, from, to });
  } catch (error) {
    logger.warn('owner_secret_readable_by_others', { path, mode: from, error: errorText(error) });
  }
}

/**
 * Replaces the stored secret with a new one and returns it; for `npm run owner
 * -- rotate` while Hearth is stopped. Throws when the file cannot be written.
 */
export async function replaceStoredOwnerSecret(dataDir: string): Promise<string> {
  const path = ownerSecretPath(dataDir);
  await removeLeftoverTemps(nodeFileSystem, path);
  const secret = newOwnerSecret();
  await writeSecret(path, secret);
  return secret;
}

/** Crash-safe and 0600 (writeFileAtomic creates its temporary file so). */
async function writeSecret(path: string, secret: string): Promise<void> {
  await writeFileAtomicMarked(nodeFileSystem, path, `${secret}\n`);
}

function errorText(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message}` : String(message ?? error);
}
