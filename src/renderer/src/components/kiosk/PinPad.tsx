// Large digit keys for typing a PIN on the touchscreen, which has no keyboard.

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const PIN_MAX_DIGITS = 8;

export interface PinPadProps {
  /** Names the keypad, e.g. "PIN keypad". */
  label: string;
  value: string;
  onChange(value: string): void;
  disabled?: boolean;
}

export function PinPad({ label, value, onChange, disabled }: PinPadProps) {
  const full = value.length >= PIN_MAX_DIGITS;
  const key = (digit: string) => (
    <button
      key={digit}
      type="button"
      className="button pin-key"
      disabled={disabled || full}
      onClick={() => onChange(value + digit)}
    >
      {digit}
    </button>
  );
  return (
    <div className="pin-pad" role="group" aria-label={label}>
      {DIGITS.map(key)}
      <button
        type="button"
        className="button pin-key"
        disabled={disabled || value === ''}
        onClick={() => onChange('')}
      >
        Clear
      </button>
      {key('0')}
      <button
        type="button"
        className="button pin-key"
        aria-label="Delete"
        disabled={disabled || value === ''}
        onClick={() => onChange(value.slice(0, -1))}
      >
        ⌫
      </button>
    </div>
  );
}

/** Keeps what was typed or pasted to digits only, at most PIN_MAX_DIGITS of them. */
export function pinDigits(text: string): string {
  return text.replace(/\D/g, '').slice(0, PIN_MAX_DIGITS);
}
