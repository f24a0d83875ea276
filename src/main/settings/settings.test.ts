import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HearthEvent, Settings } from '../../shared/api';
import { loadConfig } from '../config/config';
import { hashKioskPin, verifyKioskPin } from '../kioskExit/kioskPin';
import { engineInternals } from '../inference/engine';
import { ThermalGovernor } from '../thermal/governor';
import { ThermalMonitor } from '../thermal/monitor';
import { createMemoryLogger } from '../../testing/loggers';
import { ManualScheduler } from '../../testing/manualScheduler';
import { FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { converse, owner, phone, startSetupApp } from '../../testing/setupFixtures';

type Updated = { settings: Settings; restartNeeded: string[] };

const withModel = { HEARTH_MODEL: FIXTURE_MODEL };

/** A real monitor and governor over a board that reads 78 °C. */
function boardAt78() {
  let temperatureC = 78;
  const monitor = new ThermalMonitor({
    source: { kind: 'sysfs', read: () => ({ ok: true, temperatureC }) },
    logger: createMemoryLogger(),
    scheduler: new ManualScheduler(),
    triggerC: 85,
    resumeC: 80,
  });
  const governor = new ThermalGovernor(monitor, { baseThreads: 4 });
  monitor.start();
  return {
    monitor,
    governor,
    set: (c: number) => (temperatureC = c),
    dispose: async () => {
      governor.dispose();
      await monitor.dispose();
    },
  };
}

describe('settings', () => {
  it('shows the settings, where things are, and which the environment decides', async () => {
    const setup = await startSetupApp({ env: { ...withModel, HEARTH_THEME: 'dark' } });
    const settings = await setup.call<Settings>('getSettings');
    expect(settings).toMatchObject({
      systemPrompt: 'You are Hearth, a helpful assistant. Answer briefly.',
      thermalTriggerC: 85,
      thermalResumeC: 80,
      theme: 'dark',
      kioskPinSet: false,
      environmentOverrides: ['HEARTH_MODEL', 'HEARTH_THEME'],
      about: {
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        model: 'llama',
        modelPath: FIXTURE_MODEL,
        dataDir: setup.dataDir,
        configFile: join(setup.dataDir, 'config.json'),
        modelsDir: join(setup.dataDir, 'models'),
        logs: expect.stringContaining('JSON'),
      },
    });
    expect(await setup.outcome('updateSettings', { theme: 'light' })).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message:
          "HEARTH_THEME is set in Hearth's environment, which decides this setting; change it there.",
      },
    });
  });

  it.each([
    [{ thermalTriggerC: 80, thermalResumeC: 79 }, /at least 2 °C below the trigger/],
    [
      { thermalResumeC: 84 },
      /^The resume temperature \(84 °C\) must be at least 2 °C below the trigger \(85 °C\)\.$/,
    ],
    [{ thermalTriggerC: 120 }, /thermalTriggerC/],
    [{ thermalResumeC: 20 }, /thermalResumeC/],
    [{ systemPrompt: 'x'.repeat(4001) }, /systemPrompt/],
    [{ theme: 'purple' }, /theme/],
    [{ kioskPin: '12' }, /kioskPin/],
    [{ kioskPin: 'abcd' }, /kioskPin/],
    [{ kioskPin: '2468', currentPin: '12' }, /currentPin/],
    [{ fontSize: 20 }, /fontSize/],
    [{ voiceRate: 0.4 }, /voiceRate: the speaking rate must be from 0\.5 to 2/],
    [{ voiceRate: 2.5 }, /voiceRate: the speaking rate must be from 0\.5 to 2/],
    [
      { handsFreeQuietSec: 2 },
      /handsFreeQuietSec: the hands-free quiet time must be from 3 to 60 s/,
    ],
    [
      { handsFreeQuietSec: 61 },
      /handsFreeQuietSec: the hands-free quiet time must be from 3 to 60 s/,
    ],
    [{ handsFreeQuietSec: 7.5 }, /handsFreeQuietSec: the hands-free quiet time is a whole number/],
  ])('refuses %j with a sentence saying why, and saves nothing', async (change, message) => {
    const setup = await startSetupApp();
    const result = await setup.outcome('updateSettings', change);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(!result.ok && result.error.message).toMatch(message);
    expect(readdirSync(setup.dataDir)).not.toContain('config.json');
  });

  it('saves changes atomically to config.json, where the next start reads them', async () => {
    const setup = await startSetupApp();
    const updated = await setup.call<Updated>('updateSettings', {
      systemPrompt: 'You are a patient teacher.',
      thermalTriggerC: 75,
      thermalResumeC: 68,
      theme: 'dark',
      kioskPin: '2468',
    });
    expect(updated.settings).toMatchObject({
      systemPrompt: 'You are a patient teacher.',
      thermalTriggerC: 75,
      thermalResumeC: 68,
      theme: 'dark',
      kioskPinSet: true,
    });
    const configFile = join(setup.dataDir, 'config.json');
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(saved).toMatchObject({
      systemPrompt: 'You are a patient teacher.',
      thermalTrigger: 75,
      thermalResume: 68,
      theme: 'dark',
    });
    expect(readFileSync(configFile, 'utf8')).not.toContain('2468');
    expect(await verifyKioskPin('2468', saved.kioskPinHash)).toBe(true);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(setup.dataDir).filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(loadConfig(setup.env)).toMatchObject({ thermalTrigger: 75, theme: 'dark' });

    // Clearing the PIN (with it) removes its hash; the other settings stay.
    await setup.call('updateSettings', { kioskPin: null, currentPin: '2468' });
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      systemPrompt: 'You are a patient teacher.',
      thermalTrigger: 75,
      thermalResume: 68,
      theme: 'dark',
    });
    expect((await setup.call<Settings>('getSettings')).kioskPinSet).toBe(false);
  });

  it('is for the owner only: a paired phone may read the theme but not the settings', async () => {
    const setup = await startSetupApp();
    for (const [name, args] of [
      ['getSettings', {}],
      ['updateSettings', { theme: 'dark' }],
    ] as const) {
      expect(await setup.outcome(name, args, phone), name).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(readdirSync(setup.dataDir)).not.toContain('config.json');
    expect(await setup.call('getAppearance', {}, phone)).toEqual({ theme: 'system' });
  });

  it('applies new thresholds to the monitor and governor at once, without a restart', async () => {
    const board = boardAt78();
    const setup = await startSetupApp({
      thermal: board.monitor,
      throttle: board.governor,
      thresholds: board.monitor,
    });
    try {
      expect(board.monitor.status().protection).toBe(false);
      expect(board.governor.holdReason()).toBeNull();
      const updated = await setup.call<Updated>('updateSettings', {
        thermalTriggerC: 76,
        thermalResumeC: 70,
      });
      expect(updated.restartNeeded).toEqual([]);
      expect(board.monitor.status()).toMatchObject({ triggerC: 76, resumeC: 70, protection: true });
      expect(board.governor.level).toBe(1);
      expect(board.governor.holdReason()).toMatch(/below 70 °C/);
      board.set(69);
      board.monitor.poll();
      expect(board.governor.holdReason()).toBeNull();
    } finally {
      await setup.app.dispose();
      await board.dispose();
    }
  });

  it('saves the speaking rate and hands-free quiet time to config.json, live and for the next start', async () => {
    const setup = await startSetupApp();
    expect(await setup.call<Settings>('getSettings')).toMatchObject({
      voiceRate: 1,
      handsFreeQuietSec: 8,
    });
    const updated = await setup.call<Updated>('updateSettings', {
      voiceRate: 1.5,
      handsFreeQuietSec: 15,
    });
    expect(updated).toMatchObject({
      settings: { voiceRate: 1.5, handsFreeQuietSec: 15, voice: { handsFreeQuietMs: 15_000 } },
      restartNeeded: [],
    });
    const saved = JSON.parse(readFileSync(join(setup.dataDir, 'config.json'), 'utf8'));
    expect(saved).toMatchObject({ voiceRate: 1.5, handsFreeQuietSec: 15 });
    expect(loadConfig({ HEARTH_DATA_DIR: setup.dataDir })).toMatchObject({
      voiceRate: 1.5,
      handsFreeQuietSec: 15,
    });
  });

  it('refuses a voice setting the environment decides, naming the variable, and saves nothing', async () => {
    const setup = await startSetupApp({
      env: { HEARTH_VOICE_RATE: '1.2', HEARTH_HANDS_FREE_QUIET_SEC: '30' },
    });
    const settings = await setup.call<Settings>('getSettings');
    expect(settings).toMatchObject({ voiceRate: 1.2, handsFreeQuietSec: 30 });
    expect(settings.environmentOverrides).toEqual([
      'HEARTH_VOICE_RATE',
      'HEARTH_HANDS_FREE_QUIET_SEC',
    ]);
    for (const [change, variable] of [
      [{ voiceRate: 1 }, 'HEARTH_VOICE_RATE'],
      [{ handsFreeQuietSec: 5 }, 'HEARTH_HANDS_FREE_QUIET_SEC'],
    ] as const) {
      expect(await setup.outcome('updateSettings', change)).toEqual({
        ok: false,
        error: {
          code: 'bad_request',
          message: `${variable} is set in Hearth's environment, which decides this setting; change it there.`,
        },
      });
    }
    expect(readdirSync(setup.dataDir)).not.toContain('config.json');
  });

  it('saves the secure connection for phones to config.json and says it waits for a restart', async () => {
    const setup = await startSetupApp();
    expect((await setup.call<Settings>('getSettings')).tls).toBe(false);
    const updated = await setup.call<Updated>('updateSettings', { tls: true });
    expect(updated.restartNeeded).toEqual(['tls']);
    expect(updated.settings.tls).toBe(true);
    expect(JSON.parse(readFileSync(join(setup.dataDir, 'config.json'), 'utf8'))).toMatchObject({
      tls: true,
    });
    expect(loadConfig(setup.env).tls).toBe(true);
    // Saving it again changes nothing, so nothing waits.
    expect((await setup.call<Updated>('updateSettings', { tls: true })).restartNeeded).toEqual([]);
  });

  it('says a threshold change waits for a restart where they cannot change live', async () => {
    const setup = await startSetupApp();
    const updated = await setup.call<Updated>('updateSettings', { thermalTriggerC: 82 });
    expect(updated.restartNeeded).toEqual(['thermalTriggerC', 'thermalResumeC']);
    expect(updated.settings.thermalTriggerC).toBe(82);
  });

  it('a new system prompt applies to the next prompt, and a theme change reaches every screen', async () => {
    const setup = await startSetupApp({ env: withModel });
    await converse(setup);
    await setup.call('updateSettings', {
      systemPrompt: 'You tell stories about cats.',
      theme: 'light',
    });
    await converse(setup);
    const sessions = setup.app.engine[engineInternals]().slots;
    const systems = sessions.map((s) => s.session.getChatHistory()[0]);
    expect(systems).toContainEqual({ type: 'system', text: 'You tell stories about cats.' });

    const appearance = setup.seen.filter(
      (e): e is Extract<HearthEvent, { type: 'appearance' }> => e.type === 'appearance',
    );
    expect(appearance).toEqual([{ type: 'appearance', theme: 'light' }]);
    expect(setup.seen.some((e) => e.type === 'settings')).toBe(true);
    expect(await setup.call('getAppearance', {}, owner)).toEqual({ theme: 'light' });
  });
});

describe('the 2 °C gap between the thermal trigger and resume', () => {
  const gapRefusal = (resume: number, trigger: number) => ({
    ok: false,
    error: {
      code: 'bad_request',
      message: `The resume temperature (${resume} °C) must be at least 2 °C below the trigger (${trigger} °C).`,
    },
  });

  /** A Hearth whose config.json holds trigger 90 and resume 80, saved while it ran. */
  async function withStoredThresholds() {
    const setup = await startSetupApp();
    await setup.call('updateSettings', { thermalTriggerC: 90, thermalResumeC: 80 });
    const configFile = join(setup.dataDir, 'config.json');
    const stored = () => JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    return { setup, stored };
  }

  it('checks a change that sends only the trigger against the stored resume', async () => {
    const { setup, stored } = await withStoredThresholds();
    // In the service's words, not the start-up check's: that one names environment variables.
    expect(await setup.outcome('updateSettings', { thermalTriggerC: 81 })).toEqual(
      gapRefusal(80, 81),
    );
    expect(stored()).toMatchObject({ thermalTrigger: 90, thermalResume: 80 });

    const updated = await setup.call<Updated>('updateSettings', { thermalTriggerC: 83 });
    expect(updated.settings).toMatchObject({ thermalTriggerC: 83, thermalResumeC: 80 });
    expect(stored()).toMatchObject({ thermalTrigger: 83, thermalResume: 80 });
    // Exactly 2 °C is enough.
    await setup.call('updateSettings', { thermalTriggerC: 82 });
    expect(stored()).toMatchObject({ thermalTrigger: 82, thermalResume: 80 });
  });

  it('checks a change that sends only the resume against the stored trigger', async () => {
    const { setup, stored } = await withStoredThresholds();
    expect(await setup.outcome('updateSettings', { thermalResumeC: 89 })).toEqual(
      gapRefusal(89, 90),
    );
    expect(stored()).toMatchObject({ thermalTrigger: 90, thermalResume: 80 });

    const updated = await setup.call<Updated>('updateSettings', { thermalResumeC: 88 });
    expect(updated.settings).toMatchObject({ thermalTriggerC: 90, thermalResumeC: 88 });
    expect(stored()).toMatchObject({ thermalTrigger: 90, thermalResume: 88 });
  });

  it('checks the trigger against the resume the environment sets, not the one in config.json', async () => {
    const setup = await startSetupApp({
      env: { HEARTH_THERMAL_RESUME: '78' },
      beforeStart: (modelsDir) =>
        writeFileSync(join(dirname(modelsDir), 'config.json'), '{ "thermalResume": 84 }'),
    });
    expect(await setup.outcome('updateSettings', { thermalTriggerC: 79 })).toEqual(
      gapRefusal(78, 79),
    );
    // 80 is too close to the file's 84, but the environment's 78 is the one in force.
    const updated = await setup.call<Updated>('updateSettings', { thermalTriggerC: 80 });
    expect(updated.settings).toMatchObject({ thermalTriggerC: 80, thermalResumeC: 78 });
  });
});

describe('changing the kiosk exit PIN', () => {
  /** A Hearth with PIN 2468 set, as `npm run serve` runs it: no kiosk exit, the PIN guard still on. */
  async function withPin() {
    const setup = await startSetupApp();
    await setup.call('updateSettings', { kioskPin: '2468' });
    const configFile = join(setup.dataDir, 'config.json');
    const storedHash = () => JSON.parse(readFileSync(configFile, 'utf8')).kioskPinHash as unknown;
    const refusal = async (change: object) => {
      const result = await setup.outcome('updateSettings', change);
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      return !result.ok && result.error.message;
    };
    return { setup, storedHash, refusal, hash: storedHash() };
  }

  it('sets the first PIN freely, then needs it to change or remove it, and keeps it until given', async () => {
    const { setup, storedHash, refusal, hash } = await withPin();
    for (const kioskPin of ['5678', null]) {
      expect(await refusal({ kioskPin })).toBe('Type the current PIN to change or remove it.');
    }
    expect(await refusal({ kioskPin: '5678', currentPin: '8642' })).toBe(
      'That is not the current PIN: 4 tries left.',
    );
    expect(await refusal({ kioskPin: null, currentPin: '8642' })).toBe(
      'That is not the current PIN: 3 tries left.',
    );
    expect(storedHash()).toBe(hash);
    expect((await setup.call<Settings>('getSettings')).kioskPinSet).toBe(true);

    // The other settings need no PIN.
    await setup.call('updateSettings', { theme: 'dark' });
    await setup.call('updateSettings', { kioskPin: '5678', currentPin: '2468' });
    expect(await verifyKioskPin('5678', String(storedHash()))).toBe(true);
    // The right PIN forgot the wrong ones.
    expect(await refusal({ kioskPin: null, currentPin: '2468' })).toBe(
      'That is not the current PIN: 4 tries left.',
    );
    await setup.call('updateSettings', { kioskPin: null, currentPin: '5678' });
    expect(storedHash()).toBeUndefined();
    expect(JSON.stringify(setup.logger.entries)).not.toMatch(/2468|5678|8642/);
  });

  it('locks after five wrong current PINs: even the right one then waits', async () => {
    const { setup, storedHash, refusal, hash } = await withPin();
    for (const left of ['4 tries', '3 tries', '2 tries', '1 try']) {
      expect(await refusal({ kioskPin: '5678', currentPin: '0000' })).toBe(
        `That is not the current PIN: ${left} left.`,
      );
    }
    expect(await refusal({ kioskPin: '5678', currentPin: '0000' })).toBe(
      'That is not the current PIN, and no tries are left: wait before the next one.',
    );
    expect(await refusal({ kioskPin: '5678', currentPin: '2468' })).toMatch(
      /^Too many wrong PINs: try again in (30|29) s\.$/,
    );
    expect(storedHash()).toBe(hash);
    const checks = setup.logger.entries.filter((e) => e.eventType === 'kiosk_pin_check');
    expect(checks.map((e) => e.context.result)).toEqual([...Array(5).fill('wrong'), 'locked']);
  });

  it('refuses a PIN change the environment decides before any PIN is checked', async () => {
    const setup = await startSetupApp({
      env: { HEARTH_KIOSK_PIN_HASH: await hashKioskPin('2468') },
    });
    expect(
      await setup.outcome('updateSettings', { kioskPin: '5678', currentPin: '0000' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/^HEARTH_KIOSK_PIN_HASH is set/),
      },
    });
    expect(setup.logger.entries.some((e) => e.eventType === 'kiosk_pin_check')).toBe(false);
  });
});
