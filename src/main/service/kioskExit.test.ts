// The hidden way out of kiosk mode through the real service and dispatch: only
// the owner may try, a headless server has nothing to leave, and in the kiosk
// the PIN set in Settings (stored as a real scrypt hash) is the one that opens it.
import { describe, expect, it } from 'vitest';
import type { KioskExitOutcome } from '../../shared/api';
import { KioskExitGate } from '../electron/kioskExit';
import { owner, phone, startSetupApp } from '../../testing/setupFixtures';

/** The kiosk's port as the Electron entry builds it, minus quitting the app. */
function kioskWithGate() {
  const exits: string[] = [];
  return {
    exits,
    kioskExit: (pinHash: () => string | undefined) => {
      const gate = new KioskExitGate({ pinHash, now: Date.now });
      return {
        async tryExit(pin: string) {
          const outcome = await gate.tryExit(pin);
          exits.push(outcome.result);
          return outcome;
        },
      };
    },
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
    await setup.call('updateSettings', { kioskPin: '97531' });
    expect(await attempt('2468')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await attempt('97531')).toEqual({ result: 'exit' });
    await setup.call('updateSettings', { kioskPin: null });
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
});
