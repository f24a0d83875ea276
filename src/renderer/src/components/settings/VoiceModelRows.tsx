// The voice catalog as rows in Settings > Voice: what each model is and weighs,
// Download (with its size) for one not installed, Remove (asking first) for one
// installed. While a job runs the Download buttons wait: one job at a time.
import type { VoiceCatalogModel, VoiceModelKind } from '../../../../shared/voiceModelsSchema';
import { formatBytes } from '../../format';
import { ConfirmPrompt } from '../ConfirmPrompt';
import { RemoveButton, type Removal } from '../setup/RemovePrompt';
import { downloadSize } from './voiceChoices';

export interface VoiceModelRowsProps {
  kind: VoiceModelKind;
  catalog: readonly VoiceCatalogModel[];
  /** A download job is under way: no other starts. */
  busy: boolean;
  /** Remove asks first; `asking` is the id being asked about. */
  removal: Removal;
  onDownload(id: string): void;
}

const LIST_NAMES: Record<VoiceModelKind, string> = {
  recognizer: 'Speech recognition models',
  voice: 'Voices',
};

/** Hook-free, so tests can render it in any state and press its buttons. */
export function VoiceModelRows({ kind, catalog, busy, removal, onDownload }: VoiceModelRowsProps) {
  const models = catalog.filter((model) => model.kind === kind);
  return (
    <ul className="model-cards voice-models" aria-label={LIST_NAMES[kind]}>
      {models.map((model) => {
        const name = model.displayName;
        let action;
        if (model.installed && removal.asking === model.id) {
          action = (
            <ConfirmPrompt
              className="model-confirm"
              question={`Remove ${name}? It frees about ${formatBytes(model.sizeBytes)}.`}
              confirmLabel="Remove"
              onConfirm={() => removal.onConfirm(model.id)}
              onCancel={removal.onCancel}
            />
          );
        } else if (model.installed) {
          action = <RemoveButton name={name} onClick={() => removal.onAsk(model.id)} />;
        } else {
          action = (
            <button
              type="button"
              className={model.recommended ? 'button button-primary' : 'button'}
              disabled={busy}
              onClick={() => onDownload(model.id)}
            >
              {model.unfinishedBytes ? 'Continue download' : 'Download'}
              <span className="visually-hidden">
                {model.unfinishedBytes ? ` of ${name}` : ` ${name}`}
              </span>{' '}
              {downloadSize(model)}
            </button>
          );
        }
        return (
          <li key={model.id} className="model-card">
            <div className="model-card-head">
              <h5 className="model-card-name">{name}</h5>
              {model.recommended && <span className="badge badge-accent">Recommended</span>}
              {model.installed && <span className="badge">Installed</span>}
            </div>
            <p className="model-card-text">
              {model.description} {formatBytes(model.sizeBytes)}, {model.licence}.
            </p>
            <div className="model-card-actions">{action}</div>
          </li>
        );
      })}
    </ul>
  );
}
