// Settings > Voice's two Test buttons: Test voice speaks a sample sentence here
// at the chosen rate; Test recognizer has Hearth speak a sentence to its own
// recognizer (no microphone needed) and shows what it heard and how long it took.
import { useState } from 'react';
import type { RecognizerTestOutcome } from '../../store/voiceModels';
import { useActions, useVoice } from '../../store/context';

export interface VoiceTestsProps {
  /** The rate chosen now (maybe not saved yet). */
  rate: number;
  canSpeak: boolean;
}

type VoiceTest = { state: 'idle' | 'asking' | 'asked' } | { state: 'refused'; why: string };
type HearingTest = { state: 'idle' | 'asking' } | { state: 'done'; outcome: RecognizerTestOutcome };

export function VoiceTests({ rate, canSpeak }: VoiceTestsProps) {
  const voiceActions = useVoice();
  const actions = useActions();
  const [test, setTest] = useState<VoiceTest>({ state: 'idle' });
  const [hearing, setHearing] = useState<HearingTest>({ state: 'idle' });
  // A test is a model's first use, where a broken one shows: what is in use, and
  // whether Hearth can speak or hear, may have changed.
  const afterTest = () => {
    void actions.loadVoiceModels();
    void actions.loadSettings();
  };
  const testVoice = async () => {
    setTest({ state: 'asking' });
    const why = await voiceActions.testVoice(rate);
    setTest(why === undefined ? { state: 'asked' } : { state: 'refused', why });
    afterTest();
  };
  const testRecognizer = async () => {
    setHearing({ state: 'asking' });
    setHearing({ state: 'done', outcome: await actions.testRecognizer() });
    afterTest();
  };
  return (
    <>
      <div className="settings-actions">
        <button
          type="button"
          className="button"
          disabled={!canSpeak || test.state === 'asking'}
          onClick={() => void testVoice()}
        >
          Test voice
        </button>
        <button
          type="button"
          className="button"
          disabled={hearing.state === 'asking'}
          onClick={() => void testRecognizer()}
        >
          Test recognizer
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
      <RecognizerTestLine
        asking={hearing.state === 'asking'}
        outcome={hearing.state === 'done' ? hearing.outcome : null}
      />
    </>
  );
}

/** "1.2 s", "640 ms". */
export function formatTestTime(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Hook-free: what the recognizer Test found, or why it could not. */
export function RecognizerTestLine({
  asking,
  outcome,
}: {
  asking: boolean;
  outcome: RecognizerTestOutcome | null;
}) {
  if (outcome && !outcome.ok) {
    return (
      <p className="field-error" role="alert">
        Recognizer test: {outcome.why}
      </p>
    );
  }
  let text = '';
  if (asking) text = 'Hearth is speaking a sentence to its recognizer…';
  else if (outcome) {
    const heard = outcome.test.heard.trim() === '' ? 'nothing' : `“${outcome.test.heard}”`;
    text = `Heard: ${heard} in ${formatTestTime(outcome.test.ms)} (said: “${outcome.test.said}”).`;
  }
  return (
    <p className="save-status" role="status" aria-label="Recognizer test">
      {text}
    </p>
  );
}
