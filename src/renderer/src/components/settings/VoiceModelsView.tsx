// Settings > Voice's models part, hook-free so tests render it in any state and
// press its buttons: the two choices with what is in use, the download under
// way (or how the last one ended), and the catalog's rows.
import type { Settings, SettingsChange } from '../../../../shared/api';
import type { VoiceModelDownload, VoiceModelList } from '../../../../shared/voiceModelsSchema';
import type { HearthActions } from '../../store/actions';
import { isVoiceDownloadUnderWay } from '../../store/voiceModels';
import { overriddenBy } from './settingsForm';
import { VoiceDownloadProgress } from '../setup/VoiceDownloadProgress';
import { VoiceEngineChoices } from './VoiceEngineChoices';
import { VoiceModelRows } from './VoiceModelRows';

export interface VoiceModelHandlers {
  onChoose(change: SettingsChange): void;
  onDownload(id: string): void;
  onCancel(): void;
  onAskRemove(id: string): void;
  onRemove(id: string): void;
  onDismissRemove(): void;
}

/** What the part's buttons do: main's commands, and the part's own state through `ui`. */
export function voiceModelHandlers(
  actions: HearthActions,
  ui: {
    choose(change: SettingsChange): void;
    ask(id: string | null): void;
    report(why: string | undefined): void;
  },
): VoiceModelHandlers {
  return {
    onChoose: ui.choose,
    onDownload: (id) => {
      ui.report(undefined);
      void actions.downloadVoiceModels([id]).then(ui.report);
    },
    onCancel: () => void actions.cancelVoiceModelDownload(),
    onAskRemove: (id) => ui.ask(id),
    onDismissRemove: () => ui.ask(null),
    onRemove: (id) => {
      ui.ask(null);
      ui.report(undefined);
      void actions.removeVoiceModel(id).then(ui.report);
    },
  };
}

export interface VoiceModelsViewProps {
  /** A prefix for the fields' ids (useId of the section). */
  id: string;
  settings: Settings;
  list: VoiceModelList | null;
  download: VoiceModelDownload | null;
  choosing: SettingsChange;
  saving: boolean;
  /** The installed model whose Remove is being confirmed. */
  asking: string | null;
  /** Why the last Download or Remove was refused. */
  problem: string | undefined;
  handlers: VoiceModelHandlers;
}

export function VoiceModelsView(props: VoiceModelsViewProps) {
  const { id, list, download, problem, asking, handlers } = props;
  const busy = isVoiceDownloadUnderWay(download);
  const removal = {
    asking,
    onAsk: handlers.onAskRemove,
    onConfirm: handlers.onRemove,
    onCancel: handlers.onDismissRemove,
  };
  return (
    <>
      <VoiceEngineChoices
        id={id}
        settings={props.settings}
        list={list}
        choosing={props.choosing}
        disabled={props.saving}
        locked={{
          voiceRecognizer: overriddenBy(props.settings, ['voiceRecognizer']).length > 0,
          voiceVoice: overriddenBy(props.settings, ['voiceVoice']).length > 0,
        }}
        onChoose={handlers.onChoose}
      />
      {download && <VoiceDownloadProgress download={download} onCancel={handlers.onCancel} />}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {list === null ? (
        <p className="muted">Loading the list of voice models…</p>
      ) : (
        <>
          <h4 className="chooser-heading">Speech recognition models</h4>
          <VoiceModelRows
            kind="recognizer"
            catalog={list.catalog}
            busy={busy}
            removal={removal}
            onDownload={handlers.onDownload}
          />
          <h4 className="chooser-heading">Voices</h4>
          <VoiceModelRows
            kind="voice"
            catalog={list.catalog}
            busy={busy}
            removal={removal}
            onDownload={handlers.onDownload}
          />
        </>
      )}
    </>
  );
}
