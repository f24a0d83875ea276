// What Hearth hears and speaks with, how fast it speaks, and how long
// hands-free waits in silence; Test speaks a sample here at the chosen rate.
// Choices rather than numbers to type: the kiosk has no keyboard, and a few
// steps cover what people ask for.
import { useId, useState } from 'react';
import type { Settings, SettingsChange } from '../../../../shared/api';
import { useVoice } from '../../store/context';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

const RATES: readonly (readonly [number, string])[] = [
  [0.8, 'Slower'],
  [1, 'Normal'],
  [1.2, 'Faster'],
  [1.5, 'Fastest'],
];
const QUIET_SECONDS = [5, 8, 15, 30];

/** The choices, with a saved value set elsewhere (config.json) kept among them. */
function withSaved<T>(
  choices: readonly T[],
  value: (choice: T) => number,
  saved: number,
  make: (saved: number) => T,
): T[] {
  if (choices.some((choice) => value(choice) === saved)) return [...choices];
  return [...choices, make(saved)].sort((a, b) => value(a) - value(b));
}

export function VoiceSection({ settings }: { settings: Settings }) {
  const { status, save, saving } = useSettingsSave();
  const voiceActions = useVoice();
  const id = useId();
  const [choosing, setChoosing] = useState<SettingsChange>({});
  const [test, setTest] = useState<
    { state: 'idle' | 'asking' | 'asked' } | { state: 'refused'; why: string }
  >({
    state: 'idle',
  });
  const voice = settings.voice;
  const rateLocked = overriddenBy(settings, ['voiceRate']);
  const quietLocked = overriddenBy(settings, ['handsFreeQuietSec']);
  const rate = choosing.voiceRate ?? settings.voiceRate;
  const quietSec = choosing.handsFreeQuietSec ?? settings.handsFreeQuietSec;
  const rates = withSaved(
    RATES,
    ([r]) => r,
    settings.voiceRate,
    (r) => [r, `${r}×`] as const,
  );
  const quiets = withSaved(
    QUIET_SECONDS,
    (s) => s,
    settings.handsFreeQuietSec,
    (s) => s,
  );
  const choose = async (change: SettingsChange) => {
    setChoosing(change);
    await save(change);
    setChoosing({});
  };
  const testVoice = async () => {
    setTest({ state: 'asking' });
    const why = await voiceActions.testVoice(rate);
    setTest(why === undefined ? { state: 'asked' } : { state: 'refused', why });
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
          <OverrideNotes variables={[...rateLocked, ...quietLocked]} />
          <label htmlFor={`${id}-rate`}>Speaking rate</label>
          <select
            id={`${id}-rate`}
            name="voiceRate"
            value={rate}
            disabled={rateLocked.length > 0 || saving}
            onChange={(event) => void choose({ voiceRate: Number(event.target.value) })}
          >
            {rates.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-quiet`}>Hands-free stops after</label>
          <select
            id={`${id}-quiet`}
            name="handsFreeQuietSec"
            aria-describedby={`${id}-quiet-hint`}
            value={quietSec}
            disabled={quietLocked.length > 0 || saving}
            onChange={(event) => void choose({ handsFreeQuietSec: Number(event.target.value) })}
          >
            {quiets.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds} s of silence
              </option>
            ))}
          </select>
          <p className="muted" id={`${id}-quiet-hint`}>
            In hands-free, Hearth stops listening when nobody has spoken for this long.
          </p>
          <SaveStatusLine status={status} />
          <div className="settings-actions">
            <button
              type="button"
              className="button"
              disabled={voice?.canSpeak !== true || test.state === 'asking'}
              onClick={() => void testVoice()}
            >
              Test voice
            </button>
          </div>
          <p className="save-status" role="status">
            {test.state === 'asked' ? 'Speaking a sample sentence on this screen.' : ''}
          </p>
          {test.state === 'refused' && (
            <p className="field-error" role="alert">
              No sample: {test.why}
            </p>
          )}
        </>
      )}
    </SettingsSection>
  );
}
