import { useId } from 'react';
import { stepCelsius } from './settingsForm';

export interface CelsiusFieldProps {
  label: string;
  value: string;
  range: { min: number; max: number };
  /** Where the steppers start from when the field is empty or not a number. */
  fallback: number;
  /** What is wrong with the value, shown under the field. */
  problem?: string;
  disabled?: boolean;
  onChange(value: string): void;
}

/** A temperature in whole °C: typed, or stepped with two large buttons on a touchscreen. */
export function CelsiusField({
  label,
  value,
  range,
  fallback,
  problem,
  disabled,
  onChange,
}: CelsiusFieldProps) {
  const id = useId();
  const step = (by: number) => onChange(stepCelsius(value, by, range, fallback));
  return (
    <div className="celsius-field">
      <label htmlFor={id}>{label}</label>
      <div className="stepper">
        <button
          type="button"
          className="button icon-button"
          aria-label={`Lower ${label} by 1 °C`}
          disabled={disabled}
          onClick={() => step(-1)}
        >
          −
        </button>
        <input
          id={id}
          className="celsius-input"
          type="number"
          inputMode="numeric"
          min={range.min}
          max={range.max}
          step={1}
          value={value}
          disabled={disabled}
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? `${id}-problem` : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
        <span className="unit" aria-hidden="true">
          °C
        </span>
        <button
          type="button"
          className="button icon-button"
          aria-label={`Raise ${label} by 1 °C`}
          disabled={disabled}
          onClick={() => step(1)}
        >
          +
        </button>
      </div>
      {problem && (
        <p className="field-error" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}
