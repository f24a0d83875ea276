// The owner's screen while no model is set up, or when the one set up failed to
// load (then why, on top). Once a model starts loading, App shows the
// conversation instead, with the optional voice step (VoiceSetupStep) on top.
import { useEffect } from 'react';
import { useActions, useHearth } from '../../store/context';
import { ModelLoadError } from '../StatusBanners';
import { ModelChooser } from './ModelChooser';
import { browserStepMemory, offerVoiceStep } from './voiceStep';

export function SetupScreen() {
  const problem = useHearth((s) => s.problem);
  const failed = useHearth((s) => (s.model?.state === 'error' ? s.model : null));
  const actions = useActions();
  // Once the model is set up, the conversation screen offers voice next.
  useEffect(() => offerVoiceStep(browserStepMemory()), []);
  return (
    <main className="setup" aria-labelledby="setup-title">
      <div className="setup-inner">
        {failed && <ModelLoadError error={failed.error} />}
        <h2 id="setup-title" className="setup-title">
          Choose a model
        </h2>
        <p className="setup-intro">
          Hearth answers with a language model that runs on this device, with no internet needed
          once it is here. Pick one to download.
        </p>
        {problem && (
          <div className="problem" role="alert">
            <span>{problem}</span>
            <button type="button" className="button button-small" onClick={actions.dismissProblem}>
              Dismiss
            </button>
          </div>
        )}
        <ModelChooser mode="setup" />
      </div>
    </main>
  );
}
