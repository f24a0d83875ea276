import { useId, useState } from 'react';
import type { Settings, SettingsChange } from '../../../../shared/api';
import { PinPad, pinDigits, PIN_MAX_DIGITS } from '../kiosk/PinPad';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { currentPinProblem, overriddenBy, pinChange, pinProblem } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

type Purpose = 'set' | 'remove';
type Field = 'current' | 'pin' | 'again';

const FIELD_LABELS: Record<Field, string> = {
  current: 'Current PIN',
  pin: 'New PIN',
  again: 'New PIN again',
};

const KEYPAD_LABELS: Record<Field, string> = {
  current: 'Keypad for the current PIN',
  pin: 'Keypad for the new PIN',
  again: 'Keypad for the PIN again',
};

export interface KioskPinSectionProps {
  settings: Settings;
  /** The kiosk has no keyboard: a keypad types into the field last touched. */
  onScreenKeyboard: boolean;
}

export function KioskPinSection({ settings, onScreenKeyboard }: KioskPinSectionProps) {
  const [mode, setMode] = useState<'idle' | Purpose>('idle');
  const { status, save, reset, saving } = useSettingsSave();
  const overridden = overriddenBy(settings, ['kioskPin']);
  const locked = overridden.length > 0;

  const start = (next: 'idle' | Purpose) => {
    setMode(next);
    reset();
  };
  const submit = async (change: SettingsChange) => {
    const saved = await save(change);
    // The form closes; the status line says it was saved.
    if (saved) setMode('idle');
    return saved;
  };

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
          {mode === 'idle' ? (
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
          ) : (
            <KioskPinForm
              key={mode}
              purpose={mode}
              pinSet={settings.kioskPinSet}
              onScreenKeyboard={onScreenKeyboard}
              saving={saving}
              onSave={submit}
              onEdit={reset}
              onCancel={() => start('idle')}
            />
          )}
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}

export interface KioskPinFormProps {
  /** Set (or replace) the PIN, or remove it. */
  purpose: Purpose;
  /**
   * A PIN is set: whoever stands at the kiosk can open Settings, so the
   * current PIN is asked before it changes (main refuses the change without it).
   */
  pinSet: boolean;
  onScreenKeyboard: boolean;
  saving: boolean;
  /** Resolves true when main saved the change. */
  onSave(change: SettingsChange): Promise<boolean>;
  /** Something was typed: what was said about the last save no longer applies. */
  onEdit(): void;
  onCancel(): void;
}

export function KioskPinForm({
  purpose,
  pinSet,
  onScreenKeyboard,
  saving,
  onSave,
  onEdit,
  onCancel,
}: KioskPinFormProps) {
  const [typed, setTyped] = useState<Record<Field, string>>({ current: '', pin: '', again: '' });
  const [active, setActive] = useState<Field>(pinSet ? 'current' : 'pin');
  const ids = useId();
  const fields: Field[] = [
    ...(pinSet ? (['current'] as const) : []),
    ...(purpose === 'set' ? (['pin', 'again'] as const) : []),
  ];
  const newPinProblem = purpose === 'set' ? pinProblem(typed.pin, typed.again) : undefined;
  const problem = (pinSet ? currentPinProblem(typed.current) : undefined) ?? newPinProblem;
  const rule =
    purpose === 'remove'
      ? 'Type the current PIN to remove it.'
      : pinSet
        ? 'The current PIN, then the new one: 4 to 8 digits, typed twice.'
        : '4 to 8 digits, typed twice.';

  const type = (field: Field, text: string) => {
    setTyped((current) => ({ ...current, [field]: pinDigits(text) }));
    onEdit();
  };
  const submit = async () => {
    const kioskPin = purpose === 'set' ? typed.pin : null;
    if (await onSave(pinChange(kioskPin, typed.current, pinSet))) return;
    // Refused (main's reason shows below): the current PIN is typed again from scratch.
    setTyped((current) => ({ ...current, current: '' }));
    if (pinSet) setActive('current');
  };

  const pinField = (field: Field) => (
    <div className="pin-field" key={field}>
      <label htmlFor={`${ids}-${field}`}>{FIELD_LABELS[field]}</label>
      <input
        id={`${ids}-${field}`}
        className="pin-input"
        type="password"
        inputMode={onScreenKeyboard ? 'none' : 'numeric'}
        autoComplete={field === 'current' ? 'current-password' : 'new-password'}
        maxLength={PIN_MAX_DIGITS}
        value={typed[field]}
        aria-describedby={`${ids}-rule`}
        onFocus={() => setActive(field)}
        onChange={(event) => type(field, event.target.value)}
      />
    </div>
  );

  return (
    <form
      className="pin-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (problem === undefined && !saving) void submit();
      }}
    >
      {purpose === 'remove' && (
        <p>Remove the PIN? Kiosk mode can then not be left from the screen.</p>
      )}
      <p className="muted" id={`${ids}-rule`}>
        {rule}
      </p>
      <div className="pin-fields">{fields.map(pinField)}</div>
      {onScreenKeyboard && (
        <PinPad
          label={KEYPAD_LABELS[active]}
          value={typed[active]}
          onChange={(text) => type(active, text)}
        />
      )}
      {typed.again !== '' && newPinProblem && <p className="field-error">{newPinProblem}</p>}
      <div className="settings-actions">
        <button
          type="submit"
          className={purpose === 'remove' ? 'button button-danger' : 'button button-primary'}
          disabled={saving || problem !== undefined}
        >
          {purpose === 'remove' ? 'Remove PIN' : 'Save PIN'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
