import type { Settings } from '../../../../shared/api';
import { ModelChooser } from '../setup/ModelChooser';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';

/** Switch models (with this machine's fit estimate), download one, or use a file. */
export function ModelSection({ settings }: { settings: Settings }) {
  return (
    <SettingsSection name="model" title="Model">
      {() => (
        <>
          <OverrideNotes variables={overriddenBy(settings, ['model'])} />
          <ModelChooser mode="settings" />
        </>
      )}
    </SettingsSection>
  );
}
