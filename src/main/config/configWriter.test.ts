import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { saveConfigChanges } from './configWriter';
import { hashKioskPin, verifyKioskPin } from '../kioskExit/kioskPin';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(configJson?: object) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-config-writer-'));
  dirs.push(dir);
  const configFile = join(dir, 'config.json');
  if (configJson) writeFileSync(configFile, JSON.stringify(configJson));
  return { dataDir: dir, configFile, env: { HEARTH_DATA_DIR: dir } };
}

describe('saving settings to config.json', () => {
  test('merges the change into the file, keeps the other settings, and the next start sees it', async () => {
    const paths = dataDir({ port: 9001 });
    const saved = await saveConfigChanges(paths, { thermalTrigger: 88, theme: 'dark' }, paths.env);
    expect(saved).toMatchObject({ thermalTrigger: 88, theme: 'dark', port: 9001 });
    expect(JSON.parse(readFileSync(paths.configFile, 'utf8'))).toEqual({
      port: 9001,
      thermalTrigger: 88,
      theme: 'dark',
    });
    expect(loadConfig(paths.env)).toMatchObject({ thermalTrigger: 88, theme: 'dark', port: 9001 });
  });

  test('null removes a setting, so its default applies again', async () => {
    const paths = dataDir({ theme: 'light', systemPrompt: 'Be terse.' });
    await saveConfigChanges(paths, { theme: null }, paths.env);
    expect(JSON.parse(readFileSync(paths.configFile, 'utf8'))).toEqual({
      systemPrompt: 'Be terse.',
    });
    expect(loadConfig(paths.env).theme).toBe('system');
  });

  test('refuses what would stop the next start, naming the problem, and leaves the file as it was', async () => {
    const paths = dataDir({ thermalResume: 70 });
    const before = readFileSync(paths.configFile);
    await expect(saveConfigChanges(paths, { thermalTrigger: 65 }, paths.env)).rejects.toThrow(
      /must be above/,
    );
    await expect(saveConfigChanges(paths, { theme: 'purple' }, paths.env)).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(saveConfigChanges(paths, { kioskPinHash: '1234' }, paths.env)).rejects.toThrow(
      /not a kiosk PIN hash/,
    );
    // A hand-made hash of another length could never match a typed PIN: every try would be wasted.
    const real = await hashKioskPin('2468');
    await expect(
      saveConfigChanges(paths, { kioskPinHash: `${real}AAAA` }, paths.env),
    ).rejects.toThrow(/not a kiosk PIN hash/);
    expect(readFileSync(paths.configFile).equals(before)).toBe(true);
  });

  test('checks against this environment: a value the environment makes invalid is refused', async () => {
    const paths = dataDir();
    const env = { ...paths.env, HEARTH_THERMAL_TRIGGER: '70' };
    await expect(saveConfigChanges(paths, { thermalResume: 75 }, env)).rejects.toThrow(
      /HEARTH_THERMAL_TRIGGER \(70\) must be above HEARTH_THERMAL_RESUME \(75\)/,
    );
  });

  test('writes a file only its owner can read, with no temporary file left behind', async () => {
    const paths = dataDir();
    await saveConfigChanges(paths, { systemPrompt: 'Hello' }, paths.env);
    expect(statSync(paths.configFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(paths.dataDir)).toEqual(['config.json']);
  });

  test('changes saved at the same moment all land', async () => {
    const paths = dataDir();
    await Promise.all([
      saveConfigChanges(paths, { theme: 'dark' }, paths.env),
      saveConfigChanges(paths, { systemPrompt: 'One' }, paths.env),
      saveConfigChanges(paths, { thermalTrigger: 88 }, paths.env),
    ]);
    expect(JSON.parse(readFileSync(paths.configFile, 'utf8'))).toEqual({
      theme: 'dark',
      systemPrompt: 'One',
      thermalTrigger: 88,
    });
  });
});

describe('the kiosk PIN', () => {
  test('is stored as a salted hash that verifies the PIN and nothing else', async () => {
    const hash = await hashKioskPin('4821');
    expect(hash).not.toContain('4821');
    expect(hash).not.toBe(await hashKioskPin('4821'));
    expect(await verifyKioskPin('4821', hash)).toBe(true);
    expect(await verifyKioskPin('4822', hash)).toBe(false);
    expect(await verifyKioskPin('4821', 'scrypt$1$1$1$garbage')).toBe(false);
    await expect(hashKioskPin('12')).rejects.toThrow(/4 to 8 digits/);
  });

  test('its hash is a valid config setting', async () => {
    const paths = dataDir();
    const kioskPinHash = await hashKioskPin('123456');
    await saveConfigChanges(paths, { kioskPinHash }, paths.env);
    expect(loadConfig(paths.env).kioskPinHash).toBe(kioskPinHash);
  });
});
