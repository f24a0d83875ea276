import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig } from './config';

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
  test('the voice engine choices take auto, the floor or a catalog id of their kind, and refuse others naming the setting', () => {
    const dir = dataDir(JSON.stringify({ voiceVoice: 'piper-lessac-medium' }));
    const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_VOICE_RECOGNIZER: 'pocketsphinx' });
    expect([config.voiceRecognizer, config.voiceVoice]).toEqual([
      'pocketsphinx',
      'piper-lessac-medium',
    ]);
    expect(loadConfig({ HEARTH_DATA_DIR: dataDir() }).voiceRecognizer).toBe('auto');
    expect(() =>
      loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_VOICE_RECOGNIZER: 'piper-amy-low' }),
    ).toThrow(/^HEARTH_VOICE_RECOGNIZER: .*voiceRecognizer must be one of auto, pocketsphinx, /);
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_VOICE_VOICE: 'nobody' })).toThrow(
      /voiceVoice must be one of auto, flite, piper-amy-low, piper-lessac-medium; "nobody" is not a voice Hearth knows/,
    );
    // A catalog file's own ids are taken here; voice checks them against that catalog when it starts.
    const withCatalog = loadConfig({
      HEARTH_DATA_DIR: dataDir(),
      HEARTH_VOICE_CATALOG_FILE: '/srv/voice-catalog.json',
      HEARTH_VOICE_VOICE: 'test-voice',
    });
    expect(withCatalog.voiceVoice).toBe('test-voice');
    expect(() =>
      loadConfig({
        HEARTH_DATA_DIR: dataDir(),
        HEARTH_VOICE_CATALOG_FILE: '/srv/voice-catalog.json',
        HEARTH_VOICE_VOICE: '../escape',
      }),
    ).toThrow(
      /^HEARTH_VOICE_VOICE: invalid value "..\/escape" \(expected auto, the engine name or a voice catalog id\)/,
    );
  });

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
      // Thresholds this close would switch protection on and off with sensor noise.
      { HEARTH_THERMAL_TRIGGER: '82', HEARTH_THERMAL_RESUME: '81' },
      /^HEARTH_THERMAL_TRIGGER \(82\) must be above HEARTH_THERMAL_RESUME \(81\) by at least 2 °C$/,
    ],
    // The ranges Settings allows, and no wider.
    [{ HEARTH_THERMAL_TRIGGER: '100' }, /^HEARTH_THERMAL_TRIGGER: invalid value "100"/],
    [{ HEARTH_THERMAL_TRIGGER: '45' }, /^HEARTH_THERMAL_TRIGGER: invalid value "45"/],
    [{ HEARTH_THERMAL_RESUME: '92' }, /^HEARTH_THERMAL_RESUME: invalid value "92"/],
    [{ HEARTH_THERMAL_RESUME: '35' }, /^HEARTH_THERMAL_RESUME: invalid value "35"/],
  ])('a bad environment value %o is named in one line', (env, message) => {
    const run = () => loadConfig({ HEARTH_DATA_DIR: dataDir(), ...env });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  test('thresholds at the edges of the Settings ranges, the least gap apart, are accepted', () => {
    const dir = dataDir();
    const edges = (trigger: string, resume: string) =>
      loadConfig({
        HEARTH_DATA_DIR: dir,
        HEARTH_THERMAL_TRIGGER: trigger,
        HEARTH_THERMAL_RESUME: resume,
      });
    expect(edges('95', '90')).toMatchObject({ thermalTrigger: 95, thermalResume: 90 });
    expect(edges('50', '40')).toMatchObject({ thermalTrigger: 50, thermalResume: 40 });
    expect(edges('82', '80')).toMatchObject({ thermalTrigger: 82, thermalResume: 80 });
  });

  test('thresholds in config.json are held to the same ranges and gap, naming the key', () => {
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('{"thermalTrigger": 105}') })).toThrow(
      /config\.json "thermalTrigger": invalid value 105/,
    );
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir('{"thermalResume": 30}') })).toThrow(
      /config\.json "thermalResume": invalid value 30/,
    );
    expect(() =>
      loadConfig({ HEARTH_DATA_DIR: dataDir('{"thermalTrigger": 70, "thermalResume": 69}') }),
    ).toThrow(/must be above HEARTH_THERMAL_RESUME \(69\) by at least 2 °C/);
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

describe('network settings', () => {
  test('https for phones is off by default, on with HEARTH_TLS=1 or "tls": true, and a bad value names it', () => {
    expect(loadConfig({ HEARTH_DATA_DIR: dataDir() }).tls).toBe(false);
    expect(loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_TLS: '1' }).tls).toBe(true);
    expect(loadConfig({ HEARTH_DATA_DIR: dataDir('{"tls": true}') }).tls).toBe(true);
    expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_TLS: 'maybe' })).toThrow(
      /HEARTH_TLS/,
    );
  });

  test('pairing is on by default, and HEARTH_PAIRING=0 is allowed on loopback', () => {
    const dir = dataDir();
    expect(loadConfig({ HEARTH_DATA_DIR: dir }).pairing).toBe(true);
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]']) {
      expect(
        loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_HOST: host, HEARTH_PAIRING: '0' }).pairing,
      ).toBe(false);
    }
  });

  test.each(['0.0.0.0', '::', '192.168.1.20', 'hearth.lan'])(
    'refuses HEARTH_PAIRING=0 on %s in one line naming both settings',
    (host) => {
      const run = () =>
        loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_HOST: host, HEARTH_PAIRING: '0' });
      expect(run).toThrow(ConfigError);
      let message = '';
      try {
        run();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toContain('\n');
      expect(message).toMatch(/HEARTH_PAIRING/);
      expect(message).toMatch(new RegExp(`HEARTH_HOST \\(${host.replace(/\./g, '\\.')}\\)`));
    },
  );

  test('a config file that turns pairing off on the network is refused the same way', () => {
    const dir = dataDir(JSON.stringify({ host: '0.0.0.0', pairing: false }));
    expect(() => loadConfig({ HEARTH_DATA_DIR: dir })).toThrow(/HEARTH_PAIRING.*HEARTH_HOST/);
  });

  test('HEARTH_ALLOWED_HOSTS is a comma-separated list, the config file takes a list', () => {
    const dir = dataDir(JSON.stringify({ allowedHosts: ['Hearth.Example', '.home.arpa'] }));
    expect(loadConfig({ HEARTH_DATA_DIR: dir }).allowedHosts).toEqual([
      'hearth.example',
      '.home.arpa',
    ]);
    expect(
      loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_ALLOWED_HOSTS: ' kitchen.lan , pi.example,' })
        .allowedHosts,
    ).toEqual(['kitchen.lan', 'pi.example']);
    expect(loadConfig({ HEARTH_DATA_DIR: dataDir() }).allowedHosts).toEqual([]);
  });

  test.each(['http://evil.example', 'a b', 'host:8737', '*.example', 'under..dot'])(
    'refuses %j as an allowed host, naming the setting',
    (name) => {
      expect(() => loadConfig({ HEARTH_DATA_DIR: dataDir(), HEARTH_ALLOWED_HOSTS: name })).toThrow(
        /^HEARTH_ALLOWED_HOSTS: invalid value/,
      );
    },
  );
});

describe('isLoopbackHost', () => {
  test('knows loopback addresses and names, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.20',
      '128.0.0.1',
      'hearth.lan',
      '127.0.0.300',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
