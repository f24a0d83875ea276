// Settings > Voice: what Hearth hears and speaks with (Automatic, a downloaded
// model, or the engine that needs no download), the voice models to download
// or remove, how fast it speaks, how long hands-free waits in silence, and a
// Test for the voice and for the recognizer.
import { useId, useState } from 'react';
import type { Settings, SettingsChange } from '../../../../shared/api';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';
import { VoiceModelsPart } from './VoiceModelsPart';
import { VoicePaceFields } from './VoicePaceFields';
import { VoiceTests } from './VoiceTests';

export function VoiceSection({ settings }: { settings: Settings }) {
  const { status, save, saving } = useSettingsSave();
  const id = useId();
  const [choosing, setChoosing] = useState<SettingsChange>({});
  const voice = settings.voice;
  const rateLocked = overriddenBy(settings, ['voiceRate']);
  const quietLocked = overriddenBy(settings, ['handsFreeQuietSec']);
  const choiceLocked = overriddenBy(settings, ['voiceRecognizer', 'voiceVoice']);
  const choose = async (change: SettingsChange) => {
    setChoosing(change);
    await save(change);
    setChoosing({});
  };

  return (
    <SettingsSection name="voice" title="Voice">
      {() => (
        <>
          <ul className="voice-engines" id={`${id}-engines`}>
            <li>{voice?.canHear ? 'Hearth can hear speech.' : 'Hearth cannot hear speech.'}</li>
            <li>
              {voice?.canSpeak ? 'Hearth can speak answers.' : 'Hearth cannot speak answers.'}
            </li>
          </ul>
          {voice === undefined ? (
            <p className="muted">Hearth did not say which voice engines it has.</p>
          ) : (
            voice.note && <p className="muted">{voice.note}</p>
          )}
          <OverrideNotes variables={[...choiceLocked, ...rateLocked, ...quietLocked]} />
          <VoiceModelsPart
            id={id}
            settings={settings}
            choosing={choosing}
            saving={saving}
            onChoose={(change) => void choose(change)}
          />
          <VoicePaceFields
            id={id}
            settings={settings}
            choosing={choosing}
            rateLocked={rateLocked.length > 0}
            quietLocked={quietLocked.length > 0}
            saving={saving}
            onChoose={(change) => void choose(change)}
          />
          <SaveStatusLine status={status} />
          <VoiceTests
            rate={choosing.voiceRate ?? settings.voiceRate}
            canSpeak={voice?.canSpeak === true}
          />
        </>
      )}
    </SettingsSection>
  );
}
