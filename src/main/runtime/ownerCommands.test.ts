// `npm run owner -- link | rotate` against a real data directory: the link
// printed is the one the stored secret opens, a rotation replaces it for good,
// and a rotation is refused while a Hearth holds the data directory.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { OWNER_SECRET_FILE, OwnerSecret } from '../pairing/ownerSecret';
import { acquireDataDirLock } from '../storage/dataDirLock';
import { runOwnerCli } from './ownerCommands';

const cleanups = useCleanups();

async function run(argv: string[], dataDir: string) {
  let out = '';
  let err = '';
  const code = await runOwnerCli(argv, {
    env: { HEARTH_DATA_DIR: dataDir, HEARTH_HOST: '0.0.0.0', HEARTH_PORT: '8737' },
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    logger: createMemoryLogger(),
  });
  return { code, out, err };
}

async function hearthMadeSecret(dataDir: string): Promise<string> {
  const owner = await OwnerSecret.open({ dataDir, logger: createMemoryLogger() });
  await owner.dispose();
  return owner.secret;
}

describe('npm run owner', () => {
  it('link prints the loopback owner page link of the stored secret', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-cli-');
    const secret = await hearthMadeSecret(dataDir);
    expect(await run(['link'], dataDir)).toEqual({
      code: 0,
      out: `Owner page: http://127.0.0.1:8737/owner?secret=${secret}\n`,
      err: '',
    });
  });

  it('link says in one line that there is no secret before the first start', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-cli-');
    const { code, err } = await run(['link'], dataDir);
    expect(code).toBe(1);
    expect(err).toBe(
      `hearth owner: ${join(dataDir, OWNER_SECRET_FILE)} does not exist yet: Hearth makes it when it first starts\n`,
    );
  });

  it('rotate replaces the secret for good: the old cookies stop working at the next start', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-cli-');
    const before = await OwnerSecret.open({ dataDir, logger: createMemoryLogger() });
    const proof = before.prove(before.secret, '127.0.0.1');
    await before.dispose();
    const { code, out } = await run(['rotate'], dataDir);
    expect(code).toBe(0);
    const file = join(dataDir, OWNER_SECRET_FILE);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).not.toBe(before.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out).toContain(`Owner page: http://127.0.0.1:8737/owner?secret=${secret}\n`);
    const after = await OwnerSecret.open({ dataDir, logger: createMemoryLogger() });
    cleanups.defer(() => after.dispose());
    expect(after.secret).toBe(secret);
    expect(proof.ok && after.isOwnerToken(proof.token)).toBe(false);
  });

  it('rotate is refused while a Hearth holds the data directory, pointing to Settings', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-cli-');
    const secret = await hearthMadeSecret(dataDir);
    const lock = await acquireDataDirLock(dataDir, { processName: 'npm run serve' });
    cleanups.defer(() => lock.dispose());
    const { code, err } = await run(['rotate'], dataDir);
    expect(code).toBe(1);
    expect(err).toMatch(
      /^hearth owner: .* is in use by npm run serve \(pid \d+\); stop it first; while Hearth runs, use Settings > Sign out owner browsers\n$/,
    );
    expect(readFileSync(join(dataDir, OWNER_SECRET_FILE), 'utf8').trim()).toBe(secret);
  });

  it('prints its usage for an unknown command, with exit status 2', async () => {
    const dataDir = cleanups.scratchDir('hearth-owner-cli-');
    const { code, err } = await run(['show'], dataDir);
    expect(code).toBe(2);
    expect(err).toContain('Usage: npm run owner -- <command>');
  });
});
