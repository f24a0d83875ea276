import { useId, useState } from 'react';
import type { Settings } from '../../../../shared/api';
import { ConfirmPrompt } from '../ConfirmPrompt';
import { PinPad, pinDigits, PIN_MAX_DIGITS } from '../kiosk/PinPad';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy, pinProblem } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

type Field = 'pin' | 'again';

export interface KioskPinSectionProps {
  settings: Settings;
  /** The kiosk has no keyboard: a keypad types into the field last touched. */
  onScreenKeyboard: boolean;
}

export function KioskPinSection({ settings, onScreenKeyboard }: KioskPinSectionProps) {
  const [mode, setMode] = useState<'idle' | 'set' | 'remove'>('idle');
  const [typed, setTyped] = useState<Record<Field, string>>({ pin: '', again: '' });
  const [active, setActive] = useState<Field>('pin');
  const { status, save, reset, saving } = useSettingsSave();
  const ids = useId();
  const overridden = overriddenBy(settings, ['kioskPin']);
  const locked = overridden.length > 0;
  const problem = pinProblem(typed.pin, typed.again);

  const show = (next: 'idle' | 'set' | 'remove') => {
    setMode(next);
    setTyped({ pin: '', again: '' });
    setActive('pin');
  };
  const start = (next: 'idle' | 'set' | 'remove') => {
    show(next);
    reset();
  };
  const type = (field: Field, text: string) => {
    setTyped((current) => ({ ...current, [field]: pinDigits(text) }));
    reset();
  };
  const submit = async (kioskPin: string | null) => {
    // The form closes; the status line says it was saved.
    if (await save({ kioskPin })) show('idle');
  };

  const pinField = (field: Field, label: string) => (
    <div className="pin-field">
      <label htmlFor={`${ids}-${field}`}>{label}</label>
      <input
        id={`${ids}-${field}`}
        className="pin-input"
        type="password"
        inputMode={onScreenKeyboard ? 'none' : 'numeric'}
        autoComplete="new-password"
        maxLength={PIN_MAX_DIGITS}
        value={typed[field]}
        aria-describedby={`${ids}-rule`}
        onFocus={() => setActive(field)}
        onChange={(event) => type(field, event.target.value)}
      />
    </div>
  );

  return (
    <SettingsSection name="pin" title="Kiosk exit PIN">
      {() => (
        <>
          <p>
            {settings.kioskPinSet
              ? 'A PIN is set.'
              : 'No PIN is set: kiosk mode cannot be left from the screen.'}{' '}
            A long press on the Hearth logo, then this PIN, leaves kiosk mode.
          </p>
          <OverrideNotes variables={overridden} />
          {mode === 'set' ? (
            <form
              className="pin-form"
              onSubmit={(event) => {
                event.preventDefault();
                if (problem === undefined) void submit(typed.pin);
              }}
            >
              <p className="muted" id={`${ids}-rule`}>
                4 to 8 digits, typed twice.
              </p>
              <div className="pin-fields">
                {pinField('pin', 'New PIN')}
                {pinField('again', 'New PIN again')}
              </div>
              {onScreenKeyboard && (
                <PinPad
                  label={active === 'pin' ? 'Keypad for the new PIN' : 'Keypad for the PIN again'}
                  value={typed[active]}
                  onChange={(text) => type(active, text)}
                />
              )}
              {typed.again !== '' && problem && <p className="field-error">{problem}</p>}
              <div className="settings-actions">
                <button
                  type="submit"
                  className="button button-primary"
                  disabled={saving || problem !== undefined}
                >
                  Save PIN
                </button>
                <button type="button" className="button" onClick={() => start('idle')}>
                  Cancel
                </button>
              </div>
            </form>
          ) : mode === 'remove' ? (
            <ConfirmPrompt
              className="settings-confirm"
              question="Remove the PIN? Kiosk mode can then not be left from the screen."
              confirmLabel="Remove PIN"
              onConfirm={() => void submit(null)}
              onCancel={() => start('idle')}
            />
          ) : (
            <div className="settings-actions">
              <button
                type="button"
                className="button"
                disabled={locked}
                onClick={() => start('set')}
              >
                {settings.kioskPinSet ? 'Change PIN' : 'Set a PIN'}
              </button>
              {settings.kioskPinSet && (
                <button
                  type="button"
                  className="button"
                  disabled={locked}
                  onClick={() => start('remove')}
                >
                  Remove PIN
                </button>
              )}
            </div>
          )}
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
