// The owner's way out of kiosk mode, opened by a long press on the Hearth logo:
// a keypad for the PIN set in Settings. Loaded only when opened.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KioskExitOutcome } from '../../../../shared/api';
import { useActions, useHearth } from '../../store/context';
import { Sheet } from '../Sheet';
import { exitMessage } from './exitMessages';
import { PinPad, pinDigits } from './PinPad';

const PIN_PATTERN = /^\d{4,8}$/;

export function KioskExitPad({ onClose }: { onClose(): void }) {
  const actions = useActions();
  const problem = useHearth((s) => s.problem);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  // undefined: nothing tried yet; null: the call itself failed (the store has the problem).
  const [outcome, setOutcome] = useState<KioskExitOutcome | null | undefined>(undefined);
  const ready = PIN_PATTERN.test(pin) && !busy && outcome?.result !== 'exit';

  const submit = useCallback(async () => {
    setBusy(true);
    const result = await actions.exitKiosk(pin);
    setBusy(false);
    setPin('');
    setOutcome(result);
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

  const message =
    outcome === undefined ? '' : outcome === null ? (problem ?? '') : exitMessage(outcome);
  return (
    <Sheet title="Leave kiosk mode" open onClose={onClose} side="center">
      <div className="kiosk-exit">
        <p className="pin-display">
          <span aria-hidden="true">{pin === '' ? 'Enter the PIN' : '•'.repeat(pin.length)}</span>
          <span className="visually-hidden">{`${pin.length} digits typed`}</span>
        </p>
        <PinPad label="PIN keypad" value={pin} onChange={setPin} disabled={busy} />
        <p className="pin-message" role="status">
          {message}
        </p>
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
