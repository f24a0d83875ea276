import { lazy, Suspense, useId, useState } from 'react';
import { SYSTEM_PROMPT_MAX, type Settings } from '../../../../shared/api';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy, systemPromptProblem } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

const OnScreenKeyboard = lazy(() =>
  import('../OnScreenKeyboard').then((m) => ({ default: m.OnScreenKeyboard })),
);

export interface SystemPromptSectionProps {
  settings: Settings;
  /** The kiosk has no keyboard of its own: Hearth's shows under the box. */
  onScreenKeyboard: boolean;
}

export function SystemPromptSection({ settings, onScreenKeyboard }: SystemPromptSectionProps) {
  // null until edited: the saved prompt shows, and follows changes made elsewhere.
  const [draft, setDraft] = useState<string | null>(null);
  const [keyboard, setKeyboard] = useState(false);
  const { status, save, reset, saving } = useSettingsSave();
  const ids = useId();
  const text = draft ?? settings.systemPrompt;
  const problem = systemPromptProblem(text);
  const overridden = overriddenBy(settings, ['systemPrompt']);
  const locked = overridden.length > 0;
  const edit = (next: string) => {
    setDraft(next);
    reset();
  };
  const submit = async () => {
    if (await save({ systemPrompt: text })) setDraft(null);
  };

  return (
    <SettingsSection name="prompt" title="System prompt" labelFor={`${ids}-text`}>
      {() => (
        <>
          <p className="muted" id={`${ids}-hint`}>
            What Hearth is told before every conversation. It applies from the next answer.
          </p>
          <OverrideNotes variables={overridden} />
          <textarea
            className="settings-textarea"
            id={`${ids}-text`}
            aria-describedby={`${ids}-hint ${ids}-count${problem ? ` ${ids}-problem` : ''}`}
            aria-invalid={problem !== undefined}
            rows={4}
            value={text}
            disabled={locked}
            inputMode={onScreenKeyboard ? 'none' : undefined}
            onChange={(event) => edit(event.target.value)}
            onFocus={() => setKeyboard(onScreenKeyboard)}
          />
          <p className="char-count" id={`${ids}-count`}>
            {text.length} / {SYSTEM_PROMPT_MAX} characters
          </p>
          {problem && (
            <p className="field-error" id={`${ids}-problem`}>
              {problem}
            </p>
          )}
          {keyboard && (
            <Suspense fallback={null}>
              <OnScreenKeyboard value={text} onChange={edit} onEnter={() => edit(`${text}\n`)} />
            </Suspense>
          )}
          <div className="settings-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={locked || saving || problem !== undefined || text === settings.systemPrompt}
              onClick={() => void submit()}
            >
              Save
            </button>
            {keyboard && (
              <button type="button" className="button" onClick={() => setKeyboard(false)}>
                Hide keyboard
              </button>
            )}
          </div>
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
