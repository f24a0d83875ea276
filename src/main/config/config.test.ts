import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config';

const dirs: string[] = [];
function dataDir(configJson?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
  dirs.push(dir);
  if (configJson !== undefined) writeFileSync(join(dir, 'config.json'), configJson);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('settings', () => {
  test('environment beats the config file, which beats the defaults', () => {
    const dir = dataDir(JSON.stringify({ port: 9001, threads: 3, thermalTrigger: 90 }));
    const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_PORT: '9002' });
    expect(config.port).toBe(9002);
    expect(config.threads).toBe(3);
    expect(config.thermalTrigger).toBe(90);
    expect(config.thermalResume).toBe(80);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(dir);
  });

  test('HEARTH_THERMAL_SIMULATE takes 1, bare and active', () => {
    const dir = dataDir();
    expect(loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_THERMAL_SIMULATE: '1' }).thermalSimulate).toBe(
      'bare',
    );
    expect(
      loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_THERMAL_SIMULATE: 'active' }).thermalSimulate,
    ).toBe('active');
    expect(loadConfig({ HEARTH_DATA_DIR: dir }).thermalSimulate).toBe('off');
  });

  test.each([
    [{ HEARTH_PORT: 'eighty' }, /^HEARTH_PORT: invalid value "eighty"/],
    [{ HEARTH_PORT: '70000' }, /^HEARTH_PORT: invalid value "70000"/],
    [{ HEARTH_THREADS: '0' }, /^HEARTH_THREADS: invalid value "0"/],
    [{ HEARTH_THERMAL_SIMULATE: 'maybe' }, /^HEARTH_THERMAL_SIMULATE: invalid value/],
    [{ HEARTH_THERMAL_TRIGGER: '200' }, /^HEARTH_THERMAL_TRIGGER: invalid value "200"/],
    [
      { HEARTH_THERMAL_TRIGGER: '80', HEARTH_THERMAL_RESUME: '85' },
      /HEARTH_THERMAL_TRIGGER \(80\) must be above HEARTH_THERMAL_RESUME \(85\)/,
    ],
    [
      // Equal thresholds would switch protection on and off at the same reading.
      { HEARTH_THERMAL_TRIGGER: '82', HEARTH_THERMAL_RESUME: '82' },
      /^HEARTH_THERMAL_TRIGGER \(82\) must be above HEARTH_THERMAL_RESUME \(82\)$/,
    ],
  ])('a bad environment value %o is named in one line', (env, message) => {
    const run = () => loadConfig({ HEARTH_DATA_DIR: dataDir(), ...env });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  test('a config file that is not JSON, not an object, or names an unknown setting is refused', () => {
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('{ port: ') })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('[1, 2]') })).toThrow(
      /must hold a JSON object/,
    );
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('{"prot": 1}') })).toThrow(
      /unknown setting "prot"/,
    );
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('{"port": "x"}') })).toThrow(
      /config.json "port": invalid value "x"/,
    );
  });
});
