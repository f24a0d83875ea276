// The hidden way out of kiosk mode through the real service and dispatch: only
// the owner may try, a headless server has nothing to leave, and in the kiosk
// the PIN set in Settings (stored as a real scrypt hash) is the one that opens it.
// The exit and a PIN change in Settings share one count of wrong PINs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KioskExitOutcome } from '../../shared/api';
import { verifyKioskPin } from './kioskPin';
import type { KioskExitPort } from './kioskExitPort';
import { owner, phone, startSetupApp } from '../../testing/setupFixtures';

/** The kiosk's port as the Electron entry builds it over the shared gate, minus quitting the app. */
function kioskWithGate() {
  const exits: string[] = [];
  return {
    exits,
    kioskExit: (gate: KioskExitPort): KioskExitPort => ({
      async tryExit(pin) {
        const outcome = await gate.tryExit(pin);
        exits.push(outcome.result);
        return outcome;
      },
    }),
  };
}

describe('leaving kiosk mode', () => {
  it('is for the owner only: a paired phone is refused before any PIN is checked', async () => {
    const kiosk = kioskWithGate();
    const setup = await startSetupApp({ kioskExit: kiosk.kioskExit });
    await setup.call('updateSettings', { kioskPin: '2468' });
    expect(await setup.outcome('exitKiosk', { pin: '2468' }, phone)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(kiosk.exits).toEqual([]);
    expect(await setup.outcome('exitKiosk', { pin: '1357' }, owner)).toEqual({
      ok: true,
      value: { result: 'wrong', attemptsLeft: 4 },
    });
  });

  it('answers "unavailable" where Hearth is not a kiosk, whatever the PIN', async () => {
    const setup = await startSetupApp();
    await setup.call('updateSettings', { kioskPin: '2468' });
    for (const pin of ['2468', '0000']) {
      expect(await setup.call<KioskExitOutcome>('exitKiosk', { pin })).toEqual({
        result: 'unavailable',
      });
    }
  });

  it('refuses a PIN that is not 4 to 8 digits before it reaches the kiosk', async () => {
    const kiosk = kioskWithGate();
    const setup = await startSetupApp({ kioskExit: kiosk.kioskExit });
    for (const pin of ['123', '123456789', '12a4', '']) {
      const outcome = await setup.outcome('exitKiosk', { pin });
      expect(outcome, pin).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(!outcome.ok && outcome.error.message, pin).toMatch(/pin/);
    }
    expect(kiosk.exits).toEqual([]);
  });

  it('opens with the PIN set in Settings, counts wrong ones down, and follows a change of PIN', async () => {
    const kiosk = kioskWithGate();
    const setup = await startSetupApp({ kioskExit: kiosk.kioskExit });
    const attempt = (pin: string) => setup.call<KioskExitOutcome>('exitKiosk', { pin });

    expect(await attempt('2468')).toEqual({ result: 'disabled' });
    await setup.call('updateSettings', { kioskPin: '2468' });
    expect(await attempt('8642')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await attempt('2469')).toEqual({ result: 'wrong', attemptsLeft: 3 });
    expect(await attempt('2468')).toEqual({ result: 'exit' });

    // A new PIN replaces the old one at once; removing it closes the way out.
    await setup.call('updateSettings', { kioskPin: '97531', currentPin: '2468' });
    expect(await attempt('2468')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await attempt('97531')).toEqual({ result: 'exit' });
    await setup.call('updateSettings', { kioskPin: null, currentPin: '97531' });
    expect(await attempt('97531')).toEqual({ result: 'disabled' });

    const logged = setup.logger.entries.filter((e) => e.eventType === 'kiosk_exit_attempt');
    expect(logged.map((e) => e.context.result)).toEqual([
      'disabled',
      'wrong',
      'wrong',
      'exit',
      'wrong',
      'exit',
      'disabled',
    ]);
    expect(JSON.stringify(setup.logger.entries)).not.toMatch(/2468|97531/);
  });

  it('shares one lockout with changing the PIN in Settings: five wrong PINs at either door lock both', async () => {
    const kiosk = kioskWithGate();
    const setup = await startSetupApp({ kioskExit: kiosk.kioskExit });
    const configFile = join(setup.dataDir, 'config.json');
    const storedHash = () => JSON.parse(readFileSync(configFile, 'utf8')).kioskPinHash as string;
    const attempt = (pin: string) => setup.call<KioskExitOutcome>('exitKiosk', { pin });
    const changePin = (currentPin: string) =>
      setup.outcome('updateSettings', { kioskPin: '5678', currentPin });
    const refused = (message: string | RegExp) => ({
      ok: false,
      error: { code: 'forbidden', message },
    });

    await setup.call('updateSettings', { kioskPin: '2468' });
    const hash = storedHash();
    expect(await attempt('0001')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await changePin('0002')).toEqual(refused('That is not the current PIN: 3 tries left.'));
    expect(await attempt('0003')).toEqual({ result: 'wrong', attemptsLeft: 2 });
    expect(await changePin('0004')).toEqual(refused('That is not the current PIN: 1 try left.'));
    expect(await attempt('0005')).toEqual({ result: 'wrong', attemptsLeft: 0 });

    // Locked at both doors, even for the right PIN.
    expect(await attempt('2468')).toMatchObject({ result: 'locked' });
    expect(await changePin('2468')).toMatchObject(
      refused(expect.stringMatching(/^Too many wrong PINs: try again in \d+ s\.$/)),
    );
    expect(kiosk.exits).not.toContain('exit');
    expect(storedHash()).toBe(hash);
    expect(await verifyKioskPin('2468', storedHash())).toBe(true);
  });

  it('lets a right PIN at either door forget the wrong ones made at the other', async () => {
    const kiosk = kioskWithGate();
    const setup = await startSetupApp({ kioskExit: kiosk.kioskExit });
    const attempt = (pin: string) => setup.call<KioskExitOutcome>('exitKiosk', { pin });
    await setup.call('updateSettings', { kioskPin: '2468' });

    for (const left of [4, 3, 2]) {
      expect(await attempt('0000')).toEqual({ result: 'wrong', attemptsLeft: left });
    }
    await setup.call('updateSettings', { kioskPin: '5678', currentPin: '2468' });
    expect(await attempt('0000')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await attempt('5678')).toEqual({ result: 'exit' });
    expect(
      await setup.outcome('updateSettings', { kioskPin: null, currentPin: '0000' }),
    ).toMatchObject({
      ok: false,
      error: { message: 'That is not the current PIN: 4 tries left.' },
    });
  });
});
