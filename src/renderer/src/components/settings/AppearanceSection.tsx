import { useState } from 'react';
import type { Settings, Theme } from '../../../../shared/api';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The colours of every screen, phones too; a choice applies at once. */
export function AppearanceSection({ settings }: { settings: Settings }) {
  const { status, save, saving } = useSettingsSave();
  // The choice shows at once, while it is being saved; a refusal puts the saved one back.
  const [choosing, setChoosing] = useState<Theme | null>(null);
  const overridden = overriddenBy(settings, ['theme']);
  const chosen = choosing ?? settings.theme;
  const choose = async (theme: Theme) => {
    setChoosing(theme);
    await save({ theme });
    setChoosing(null);
  };

  return (
    <SettingsSection name="theme" title="Theme">
      {(headingId) => (
        <>
          <OverrideNotes variables={overridden} />
          <div className="choices" role="radiogroup" aria-labelledby={headingId}>
            {THEMES.map(({ value, label }) => (
              <label key={value} className="choice">
                <input
                  type="radio"
                  name="theme"
                  value={value}
                  checked={chosen === value}
                  disabled={overridden.length > 0 || saving}
                  onChange={() => void choose(value)}
                />
                {label}
              </label>
            ))}
          </div>
          <p className="muted">
            System follows each screen&apos;s own light or dark setting. Phones follow the choice
            too.
          </p>
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
