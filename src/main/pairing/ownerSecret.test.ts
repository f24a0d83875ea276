// The owner secret on a real filesystem: made once and kept (0600) across
// restarts, checked in constant time with a per-address limit, rotated so old
// cookies stop working, and kept in memory when the disk is full (a tmpfs that
// fills up, mounted for the last tests; mounting needs root, elsewhere they skip).
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { canMount, fillDisk, mountTmpfs, needsMount } from '../../testing/tmpfs';
import { OWNER_SECRET_FILE, OwnerSecret, type OwnerSecretOptions } from './ownerSecret';
import { Redactor, redactingLogger, REDACTED } from './redact';

const cleanups = useCleanups();
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

async function open(options: Partial<OwnerSecretOptions> = {}) {
  const logger = createMemoryLogger();
  const dataDir = options.dataDir ?? cleanups.scratchDir('hearth-owner-');
  const owner = await OwnerSecret.open({ dataDir, logger, ...options });
  cleanups.defer(() => owner.dispose());
  return { owner, logger, dataDir, file: join(dataDir, OWNER_SECRET_FILE) };
}

function tokenOf(owner: OwnerSecret, from = '127.0.0.1'): string {
  const proof = owner.prove(owner.secret, from);
  if (!proof.ok) throw new Error(`the right secret was refused: ${proof.reason}`);
  return proof.token;
}

describe('the owner secret file', () => {
  it('is made at first start: 32 random bytes as base64url, readable by its owner only', async () => {
    const { owner, file, logger } = await open();
    expect(owner.secret).toMatch(SECRET_SHAPE);
    expect(readFileSync(file, 'utf8')).toBe(`${owner.secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(owner.saved).toBe(true);
    expect(logger.entries.map((e) => e.eventType)).toEqual(['owner_secret_created']);
    // Two data directories never share a secret.
    expect((await open()).owner.secret).not.toBe(owner.secret);
  });

  it('survives a restart, so the cookie an owner browser holds keeps working', async () => {
    const first = await open();
    const token = tokenOf(first.owner);
    await first.owner.dispose();
    const again = await open({ dataDir: first.dataDir });
    expect(again.owner.secret).toBe(first.owner.secret);
    expect(again.owner.isOwnerToken(token)).toBe(true);
    expect(again.logger.entries).toEqual([]);
  });

  it('narrows a file others can read to 0600, saying so', async () => {
    const first = await open();
    await first.owner.dispose();
    chmodSync(first.file, 0o644);
    const again = await open({ dataDir: first.dataDir });
    expect(again.owner.secret).toBe(first.owner.secret);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(again.logger.entries).toMatchObject([
      { eventType: 'owner_secret_tightened', context: { from: '0644', to: '0600' } },
    ]);
  });

  it('replaces a file that holds no secret, without logging what it held', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-junk-');
    writeFileSync(join(dataDir, OWNER_SECRET_FILE), 'hunter2-typed-by-hand\n', { mode: 0o600 });
    const { owner, logger, file } = await open({ dataDir });
    expect(owner.secret).toMatch(SECRET_SHAPE);
    expect(readFileSync(file, 'utf8')).toBe(`${owner.secret}\n`);
    expect(logger.entries.map((e) => e.eventType)).toEqual([
      'owner_secret_invalid',
      'owner_secret_created',
    ]);
    expect(JSON.stringify(logger.entries)).not.toContain('hunter2');
  });

  it('refuses to start with one line naming the file when it cannot be read', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-dir-');
    // A directory where the file should be: EISDIR for root and everyone else alike.
    mkdirSync(join(dataDir, OWNER_SECRET_FILE));
    await expect(OwnerSecret.open({ dataDir, logger: createMemoryLogger() })).rejects.toThrow(
      `cannot read the owner secret ${join(dataDir, OWNER_SECRET_FILE)}: EISDIR`,
    );
  });
});

describe('proving the secret', () => {
  it('gives the cookie token for the right secret only, and the token is not the secret', async () => {
    const { owner } = await open();
    const token = tokenOf(owner);
    expect(token).toMatch(SECRET_SHAPE);
    expect(token).not.toBe(owner.secret);
    expect(owner.isOwnerToken(token)).toBe(true);
    expect(owner.isOwnerToken(owner.secret)).toBe(false);
    expect(owner.isOwnerToken(undefined)).toBe(false);
    expect(owner.isOwnerToken(`${token}x`)).toBe(false);
    // One character off, at the end: a comparison that stops early would still refuse it.
    const last = owner.secret.at(-1) === 'A' ? 'B' : 'A';
    expect(owner.prove(`${owner.secret.slice(0, -1)}${last}`, '127.0.0.2')).toEqual({
      ok: false,
      reason: 'wrong',
    });
    expect(owner.prove('', '127.0.0.2')).toEqual({ ok: false, reason: 'wrong' });
  });

  it('locks an address out after five wrong or missing secrets, even for the right one, and no other', async () => {
    let now = 1_000_000;
    const { owner, logger } = await open({ limits: { now: () => now } });
    for (let i = 0; i < 4; i++) expect(owner.prove(`wrong-${i}`, '127.0.0.5').ok).toBe(false);
    expect(owner.prove(undefined, '127.0.0.5').ok).toBe(false);
    expect(owner.prove(owner.secret, '127.0.0.5')).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 60_000,
    });
    // Another address (the owner's own browser) still gets in.
    expect(owner.prove(owner.secret, '127.0.0.6').ok).toBe(true);
    now += 60_000;
    expect(owner.prove(owner.secret, '127.0.0.5').ok).toBe(true);
    const refusals = logger.entries.filter((e) => e.eventType === 'owner_refused');
    expect(refusals.map((e) => e.context.reason)).toEqual([
      'wrong_secret',
      'wrong_secret',
      'wrong_secret',
      'wrong_secret',
      'no_secret',
      'locked_out',
    ]);
  });

  it('keeps the secret and its cookie token out of log lines', async () => {
    const redactor = new Redactor();
    const { owner } = await open({ redactor });
    const lines: string[] = [];
    const logger = redactingLogger(
      { ...createMemoryLogger(), log: (_l, e, c) => void lines.push(`${e} ${JSON.stringify(c)}`) },
      redactor,
    );
    const token = tokenOf(owner);
    logger.warn('seen', { note: `pasted ${owner.secret} and ${token}` });
    expect(lines.join('\n')).not.toContain(owner.secret);
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain(REDACTED);
  });
});

describe('rotating the secret', () => {
  it('stops old cookies and the old link at once, tells listeners, and keeps the new one across a restart', async () => {
    const { owner, file, dataDir } = await open();
    const oldSecret = owner.secret;
    const oldToken = tokenOf(owner);
    const heard: boolean[] = [];
    owner.onRotate(() => heard.push(owner.isOwnerToken(oldToken)));
    await owner.rotate();
    expect(heard).toEqual([false]);
    expect(owner.secret).not.toBe(oldSecret);
    expect(owner.isOwnerToken(oldToken)).toBe(false);
    expect(owner.prove(oldSecret, '127.0.0.1')).toEqual({ ok: false, reason: 'wrong' });
    expect(readFileSync(file, 'utf8')).toBe(`${owner.secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await owner.dispose();
    const again = await open({ dataDir });
    expect(again.owner.secret).toBe(owner.secret);
    expect(again.owner.isOwnerToken(oldToken)).toBe(false);
  });

  it('leaves the last of two quick rotations in the file, and no temporary file behind', async () => {
    const { owner, file, dataDir } = await open();
    await Promise.all([owner.rotate(), owner.rotate()]);
    expect(readFileSync(file, 'utf8')).toBe(`${owner.secret}\n`);
    expect(readdirSync(dataDir)).toEqual([OWNER_SECRET_FILE]);
  });
});

describe('on a full disk', () => {
  let mount = '';
  let unmount: (() => void) | undefined;

  beforeAll(() => {
    if (!canMount) return;
    mount = mkdtempSync(join(tmpdir(), 'hearth-owner-full-'));
    unmount = mountTmpfs(mount, '256k');
  });

  afterAll(() => {
    unmount?.();
    if (mount) rmdirSync(mount);
  });

  function fullDataDir(): string {
    const dataDir = join(mount, `data-${crypto.randomUUID().slice(0, 8)}`);
    mkdirSync(dataDir);
    cleanups.defer(fillDisk(mount));
    return dataDir;
  }

  it.skipIf(!canMount)(
    needsMount('starts with the secret in memory and one warning when the file cannot be written'),
    async () => {
      const dataDir = fullDataDir();
      const { owner, logger, file } = await open({ dataDir });
      expect(owner.secret).toMatch(SECRET_SHAPE);
      expect(owner.saved).toBe(false);
      expect(owner.isOwnerToken(tokenOf(owner))).toBe(true);
      expect(logger.entries.filter((e) => e.level === 'warn')).toMatchObject([
        { eventType: 'owner_secret_not_saved', context: { path: file } },
      ]);
      expect(String(logger.entries[0]?.context.error)).toMatch(/^ENOSPC/);
      // No half-written file and no temporary file left holding the secret.
      expect(readdirSync(dataDir)).toEqual([]);
    },
  );

  it.skipIf(!canMount)(
    needsMount(
      'removes the old file when a rotation cannot be saved, so a restart cannot revive it',
    ),
    async () => {
      const dataDir = join(mount, `data-${crypto.randomUUID().slice(0, 8)}`);
      mkdirSync(dataDir);
      const { owner, logger, file } = await open({ dataDir });
      const oldSecret = owner.secret;
      cleanups.defer(fillDisk(mount));
      await owner.rotate();
      expect(owner.saved).toBe(false);
      expect(owner.secret).not.toBe(oldSecret);
      expect(readdirSync(dataDir)).toEqual([]);
      expect(logger.entries.at(-1)).toMatchObject({
        level: 'warn',
        eventType: 'owner_secret_not_saved',
        context: { path: file },
      });
    },
  );
});
