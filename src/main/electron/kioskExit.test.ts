import { describe, expect, it } from 'vitest';
import { hashKioskPin } from '../kioskExit/kioskPin';
import { KioskPinGate } from '../kioskExit/kioskPinGate';
import { quittingKioskExit } from './kioskExit';

const PIN = '4821';
const pinHash = await hashKioskPin(PIN);

describe('the kiosk exit port', () => {
  it('quits the app only for the right PIN, and only after the outcome is returned', async () => {
    const gate = new KioskPinGate({ pinHash: () => pinHash, now: () => 0 });
    const steps: string[] = [];
    const scheduled: (() => void)[] = [];
    const port = quittingKioskExit(
      gate,
      () => steps.push('quit'),
      (run) => scheduled.push(run),
    );
    expect(await port.tryExit('0000')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(scheduled).toEqual([]);
    const outcome = await port.tryExit(PIN);
    steps.push(`replied ${outcome.result}`);
    expect(scheduled).toHaveLength(1);
    scheduled[0]?.();
    expect(steps).toEqual(['replied exit', 'quit']);
  });
});
