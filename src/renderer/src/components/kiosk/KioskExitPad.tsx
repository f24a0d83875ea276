// The owner's way out of kiosk mode, opened by a long press on the Hearth logo:
// a keypad for the PIN set in Settings. Loaded only when opened.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KioskExitOutcome } from '../../../../shared/api';
import { useActions, useHearth } from '../../store/context';
import { Sheet } from '../Sheet';
import { Countdown, secondsUntil } from './countdown';
import { exitStatus, plainStatus, type ExitStatus } from './exitMessages';
import { PinPad, pinDigits } from './PinPad';

const PIN_PATTERN = /^\d{4,8}$/;

export function KioskExitPad({ onClose }: { onClose(): void }) {
  const actions = useActions();
  const problem = useHearth((s) => s.problem);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  // undefined: nothing tried yet; null: the call itself failed (the store has the problem).
  const [outcome, setOutcome] = useState<KioskExitOutcome | null | undefined>(undefined);
  // While locked: when the lock ends (a Date.now() time), and the whole seconds left.
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [secondsLeft, setSecondsLeft] = useState(0);
  const status = outcome
    ? exitStatus(outcome, secondsLeft)
    : plainStatus(outcome === null ? (problem ?? '') : '');
  const ready = PIN_PATTERN.test(pin) && !busy && outcome?.result !== 'exit' && !status.locked;

  // The pad owns the lock's countdown: a new outcome or closing the pad ends it.
  useEffect(() => {
    if (lockedUntil === null) return;
    const countdown = new Countdown(setSecondsLeft);
    countdown.start(lockedUntil);
    return () => countdown.stop();
  }, [lockedUntil]);

  const submit = useCallback(async () => {
    setBusy(true);
    const result = await actions.exitKiosk(pin);
    setBusy(false);
    setPin('');
    setOutcome(result);
    const until = result?.result === 'locked' ? Date.now() + result.retryAfterMs : null;
    setLockedUntil(until);
    setSecondsLeft(until === null ? 0 : secondsUntil(until));
  }, [actions, pin]);

  // A physical keyboard works too: digits, Backspace and Enter.
  const keys = useRef({ ready, submit });
  useEffect(() => {
    keys.current = { ready, submit };
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (/^\d$/.test(event.key)) setPin((current) => pinDigits(current + event.key));
      else if (event.key === 'Backspace') setPin((current) => current.slice(0, -1));
      else if (event.key === 'Enter' && keys.current.ready) void keys.current.submit();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Sheet title="Leave kiosk mode" open onClose={onClose} side="center">
      <div className="kiosk-exit">
        <p className="pin-display">
          <span aria-hidden="true">{pin === '' ? 'Enter the PIN' : '•'.repeat(pin.length)}</span>
          <span className="visually-hidden">{`${pin.length} digits typed`}</span>
        </p>
        <PinPad label="PIN keypad" value={pin} onChange={setPin} disabled={busy} />
        <ExitStatusLine status={status} />
        <button
          type="button"
          className="button button-primary pin-submit"
          disabled={!ready}
          onClick={() => void submit()}
        >
          Leave kiosk
        </button>
      </div>
    </Sheet>
  );
}

/** What the last attempt came to: the shown line, and what a screen reader hears. */
export function ExitStatusLine({ status }: { status: ExitStatus }) {
  return (
    <p className="pin-message">
      <span aria-hidden="true">{status.shown}</span>
      <span className="visually-hidden" role="status">
        {status.spoken}
      </span>
    </p>
  );
}
