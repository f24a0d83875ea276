// Whether phones are served over https: a phone's microphone works only in a
// secure context. The server's certificate and listener are made at start-up,
// so the switch is saved and applies after a restart (the save line says so).
import { useState } from 'react';
import type { Settings } from '../../../../shared/api';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

export function SecureConnectionSection({ settings }: { settings: Settings }) {
  const { status, save, saving } = useSettingsSave();
  // The switch shows the choice at once while it is saved; a refusal puts the saved one back.
  const [choosing, setChoosing] = useState<boolean | null>(null);
  const overridden = overriddenBy(settings, ['tls']);
  const on = choosing ?? settings.tls;
  const choose = async (tls: boolean) => {
    setChoosing(tls);
    await save({ tls });
    setChoosing(null);
  };

  return (
    <SettingsSection name="secure" title="Secure connection">
      {() => (
        <>
          <OverrideNotes variables={overridden} />
          <label className="choice">
            <input
              type="checkbox"
              name="tls"
              checked={on}
              disabled={overridden.length > 0 || saving}
              onChange={(event) => void choose(event.target.checked)}
            />
            Secure connection for phones (needed for a phone&apos;s microphone)
          </label>
          <p className="muted">
            Phones then use https with a certificate Hearth makes itself. The first time, a phone
            warns that the connection is not private: compare the fingerprint under the QR code in
            Connect a phone before going on.
          </p>
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
