import { useState } from 'react';
import { THERMAL_RESUME_RANGE, THERMAL_TRIGGER_RANGE, type Settings } from '../../../../shared/api';
import { CelsiusField } from './CelsiusField';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import {
  overriddenBy,
  SETTING_VARIABLES,
  shownThermal,
  thermalChange,
  thermalProblems,
  type ThermalDraft,
} from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

export function ThermalSection({ settings }: { settings: Settings }) {
  // Only the fields the owner edited: the others follow changes saved elsewhere.
  const [draft, setDraft] = useState<Partial<ThermalDraft>>({});
  const { status, save, reset, saving } = useSettingsSave();
  const current = shownThermal(settings, draft);
  const problems = thermalProblems(current);
  const change = thermalChange(settings, current);
  const overridden = overriddenBy(settings, ['thermalTriggerC', 'thermalResumeC']);
  const invalid = problems.trigger !== undefined || problems.resume !== undefined;
  const edit = (next: Partial<ThermalDraft>) => {
    setDraft((before) => ({ ...before, ...next }));
    reset();
  };
  const submit = async () => {
    if (await save(change)) setDraft({});
  };

  return (
    <SettingsSection name="thermal" title="Thermal protection">
      {() => (
        <>
          <p className="muted">
            When the CPU reaches the first temperature, Hearth slows its answers and then holds
            them; it carries on once the CPU has cooled below the second.
          </p>
          <OverrideNotes variables={overridden} />
          <div className="celsius-fields">
            <CelsiusField
              label="Start cooling at"
              value={current.trigger}
              range={THERMAL_TRIGGER_RANGE}
              fallback={settings.thermalTriggerC}
              problem={problems.trigger}
              disabled={overridden.includes(SETTING_VARIABLES.thermalTriggerC)}
              onChange={(trigger) => edit({ trigger })}
            />
            <CelsiusField
              label="Resume below"
              value={current.resume}
              range={THERMAL_RESUME_RANGE}
              fallback={settings.thermalResumeC}
              problem={problems.resume}
              disabled={overridden.includes(SETTING_VARIABLES.thermalResumeC)}
              onChange={(resume) => edit({ resume })}
            />
          </div>
          <div className="settings-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={invalid || saving || Object.keys(change).length === 0}
              onClick={() => void submit()}
            >
              Save
            </button>
          </div>
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
