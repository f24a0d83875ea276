// The setup screen's optional last step, shown above the conversation once the
// language model is on its way: voice, with what it adds, the recommended
// recognizer and voice and their size, one download for both, and Not now.
// It never blocks: the conversation works beside it, and Not now is always there.
import { useEffect, useId, useState } from 'react';
import type { VoiceCatalogModel, VoiceModelDownload } from '../../../../shared/voiceModelsSchema';
import { formatBytes } from '../../format';
import type { HearthActions } from '../../store/actions';
import { useActions, useHearth } from '../../store/context';
import { isVoiceDownloadUnderWay } from '../../store/voiceModels';
import { recommendedPair } from '../settings/voiceChoices';
import { VoiceDownloadProgress } from './VoiceDownloadProgress';
import {
  browserStepMemory,
  modelIsSetUp,
  readVoiceStep,
  showVoiceStep,
  writeVoiceStep,
  type StepMemory,
} from './voiceStep';

export interface VoiceSetupStepViewProps {
  /** The heading's id (useId). */
  id: string;
  /** The recommended recognizer and voice. */
  pair: readonly [VoiceCatalogModel, VoiceCatalogModel];
  download: VoiceModelDownload | null;
  /** Why the download did not start. */
  problem: string | undefined;
  onDownload(ids: string[]): void;
  onCancel(): void;
  onNotNow(): void;
}

/** Hook-free, so tests can render it in any state and press its buttons. */
export function VoiceSetupStepView(props: VoiceSetupStepViewProps) {
  const { id, pair, download, problem } = props;
  const [recognizer, voice] = pair;
  const busy = isVoiceDownloadUnderWay(download);
  return (
    <section className="model-card voice-step" aria-labelledby={id}>
      <h2 id={id} className="model-card-name">
        Voice (optional)
      </h2>
      <p className="model-card-text">
        Talk to Hearth and hear its answers spoken, with a speech recognizer and a voice that run on
        this device.
      </p>
      <p className="model-card-text">
        Recommended: {recognizer.displayName} and {voice.displayName},{' '}
        <strong>{formatBytes(recognizer.sizeBytes + voice.sizeBytes)}</strong> in all. Without them,
        Hearth hears with pocketsphinx (less accurate) and speaks with flite when those are
        installed, with no download.
      </p>
      {download && <VoiceDownloadProgress download={download} onCancel={props.onCancel} />}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="model-card-actions">
        {!busy && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => props.onDownload([recognizer.id, voice.id])}
          >
            Download voice
          </button>
        )}
        <button type="button" className="button" onClick={props.onNotNow}>
          Not now
        </button>
      </div>
    </section>
  );
}

type StepHandlers = Pick<VoiceSetupStepViewProps, 'onDownload' | 'onCancel' | 'onNotNow'>;

/** What the step's buttons do: main's commands, the answer kept in `memory`, the step's state through `ui`. */
export function voiceStepHandlers(
  actions: HearthActions,
  memory: StepMemory | undefined,
  ui: { skipped(): void; report(why: string | undefined): void },
): StepHandlers {
  return {
    onDownload: (ids) => {
      ui.report(undefined);
      void actions.downloadVoiceModels(ids).then(ui.report);
    },
    onCancel: () => void actions.cancelVoiceModelDownload(),
    onNotNow: () => {
      writeVoiceStep(memory, 'skipped');
      ui.skipped();
    },
  };
}

export function VoiceSetupStep({ memory = browserStepMemory() }: { memory?: StepMemory }) {
  const model = useHearth((s) => s.model);
  const list = useHearth((s) => s.voiceModels);
  const download = useHearth((s) => s.voiceDownload);
  const actions = useActions();
  const id = useId();
  const [mark, setMark] = useState(() => readVoiceStep(memory));
  const [problem, setProblem] = useState<string>();
  const asking = mark === 'offered' && modelIsSetUp(model);
  const busy = isVoiceDownloadUnderWay(download);

  // Quietly: the step is optional, so a failure to list shows nothing at all.
  useEffect(() => {
    if (asking && !busy) void actions.loadVoiceModels({ quiet: true });
  }, [asking, busy, actions]);

  const pair = list && recommendedPair(list.catalog);
  if (!pair || !showVoiceStep(mark, model, list, download)) return null;
  return (
    <VoiceSetupStepView
      id={id}
      pair={pair}
      download={download}
      problem={problem}
      {...voiceStepHandlers(actions, memory, {
        skipped: () => setMark('skipped'),
        report: setProblem,
      })}
    />
  );
}
