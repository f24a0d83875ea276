// How fast Hearth speaks and how long hands-free waits in silence: choices
// rather than numbers to type (the kiosk has no keyboard), a value saved in
// config.json kept among them, and locked when the environment decides it.
import type { Settings, SettingsChange } from '../../../../shared/api';

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

export interface VoicePaceFieldsProps {
  /** A prefix for the fields' ids (useId of the section). */
  id: string;
  settings: Settings;
  /** The choice being saved, shown until the save ends. */
  choosing: SettingsChange;
  rateLocked: boolean;
  quietLocked: boolean;
  saving: boolean;
  onChoose(change: SettingsChange): void;
}

/** Hook-free: the two selects. */
export function VoicePaceFields({
  id,
  settings,
  choosing,
  rateLocked,
  quietLocked,
  saving,
  onChoose,
}: VoicePaceFieldsProps) {
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
  return (
    <>
      <label htmlFor={`${id}-rate`}>Speaking rate</label>
      <select
        id={`${id}-rate`}
        name="voiceRate"
        value={rate}
        disabled={rateLocked || saving}
        onChange={(event) => onChoose({ voiceRate: Number(event.target.value) })}
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
        disabled={quietLocked || saving}
        onChange={(event) => onChoose({ handsFreeQuietSec: Number(event.target.value) })}
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
    </>
  );
}
