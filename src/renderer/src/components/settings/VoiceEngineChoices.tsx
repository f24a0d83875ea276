// The two voice choices of Settings > Voice: what Hearth hears with and what it
// speaks with, each with what is in use now and, when the choice cannot be
// used (not downloaded, corrupt, failed to load), main's sentence saying why.
import type { Settings, SettingsChange } from '../../../../shared/api';
import type {
  VoiceEngineChoice,
  VoiceModelKind,
  VoiceModelList,
} from '../../../../shared/voiceModelsSchema';
import { inUseLine, voiceOptions } from './voiceChoices';

export interface VoiceEngineChoicesProps {
  /** A prefix for the fields' ids (useId of the section). */
  id: string;
  settings: Settings;
  /** Null until listVoiceModels answers: the choices then list only the floor. */
  list: VoiceModelList | null;
  /** The choice being saved, shown until the save ends. */
  choosing: SettingsChange;
  disabled: boolean;
  /** The environment decides these (HEARTH_VOICE_RECOGNIZER, HEARTH_VOICE_VOICE). */
  locked: { voiceRecognizer: boolean; voiceVoice: boolean };
  onChoose(change: SettingsChange): void;
}

const FIELDS = {
  recognizer: { name: 'voiceRecognizer', label: 'Speech recognition' },
  voice: { name: 'voiceVoice', label: 'Voice' },
} as const;

/** Hook-free, so tests can render it and change its selects; items of the section's column. */
export function VoiceEngineChoices(props: VoiceEngineChoicesProps) {
  return (
    <>
      <EngineChoice {...props} kind="recognizer" engine={props.list?.recognizer} />
      <EngineChoice {...props} kind="voice" engine={props.list?.voice} />
    </>
  );
}

function EngineChoice({
  id,
  kind,
  engine,
  settings,
  list,
  choosing,
  disabled,
  locked,
  onChoose,
}: VoiceEngineChoicesProps & { kind: VoiceModelKind; engine: VoiceEngineChoice | undefined }) {
  const { name, label } = FIELDS[kind];
  const value = choosing[name] ?? settings[name];
  const fieldId = `${id}-${name}`;
  return (
    <>
      <label htmlFor={fieldId}>{label}</label>
      <select
        id={fieldId}
        name={name}
        value={value}
        aria-describedby={`${fieldId}-in-use`}
        disabled={disabled || locked[name]}
        onChange={(event) => onChoose({ [name]: event.target.value })}
      >
        {voiceOptions(kind, list?.catalog ?? [], value).map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <div id={`${fieldId}-in-use`} className="voice-in-use">
        <p className="muted">
          {engine ? inUseLine(kind, engine) : 'Asking Hearth what is in use…'}
        </p>
        {engine?.error && <p className="field-error">{engine.error}</p>}
      </div>
    </>
  );
}
