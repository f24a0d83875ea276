// One catalog model as a card: what it is, what it costs (download size,
// memory), how fast it answers on a Pi 5, and one button. A model that may not
// fit this machine says so, and downloading it asks first.
import type { CatalogModel } from '../../../../shared/api';
import { formatBytes, formatModelSpeed } from '../../format';
import type { UnfinishedDownload } from './setupChoices';

export interface ModelCardProps {
  model: CatalogModel;
  /** The level of the model's name as a heading: one below the list's. */
  headingLevel?: 4 | 5;
  /** Its download that stopped midway, if any: the button continues it. */
  unfinished: UnfinishedDownload | undefined;
  /** The "may not fit" question is showing. */
  asking: boolean;
  /** The question was just dismissed: focus goes back to the Download button. */
  refocus?: boolean;
  /** Uses the installed copy; null when the card offers no Use button. */
  onUse: (() => void) | null;
  onDownload(): void;
  /** Shows the "may not fit" question. */
  onAsk(): void;
  onDismiss(): void;
}

/** Hook-free, so tests can render it in any state and press its buttons. */
export function ModelCard({
  model,
  headingLevel = 4,
  unfinished,
  asking,
  refocus = false,
  onUse,
  onDownload,
  onAsk,
  onDismiss,
}: ModelCardProps) {
  const name = model.displayName;
  const Name = headingLevel === 4 ? 'h4' : 'h5';
  const hidden = (text: string) => <span className="visually-hidden">{text}</span>;
  let action;
  if (model.installed) {
    action = onUse && (
      <button type="button" className="button button-primary" onClick={onUse}>
        Use{hidden(` ${name}`)}
      </button>
    );
  } else if (asking) {
    action = (
      <div className="model-confirm" role="group" aria-label={`Download ${name} anyway?`}>
        <p>It may not fit in this machine&apos;s memory.</p>
        {/* The Download button just went away: focus follows to the question. */}
        <button type="button" className="button button-primary" autoFocus onClick={onDownload}>
          Download anyway{hidden(` ${name}`)}
        </button>
        <button type="button" className="button" onClick={onDismiss}>
          Not now
        </button>
      </div>
    );
  } else {
    const label = unfinished
      ? `(${formatBytes(unfinished.bytes)}${unfinished.total === null ? '' : ` of ${formatBytes(unfinished.total)}`})`
      : null;
    action = (
      <button
        type="button"
        className={model.fits ? 'button button-primary' : 'button'}
        autoFocus={refocus}
        onClick={model.fits ? onDownload : onAsk}
      >
        {unfinished ? 'Continue download' : 'Download'}
        {hidden(unfinished ? ` of ${name}` : ` ${name}`)}
        {label && ` ${label}`}
      </button>
    );
  }

  return (
    <li className={model.recommended ? 'model-card model-card-recommended' : 'model-card'}>
      <div className="model-card-head">
        <Name className="model-card-name">{name}</Name>
        {model.recommended && <span className="badge badge-accent">Recommended</span>}
        {model.installed && <span className="badge">Installed</span>}
      </div>
      <p className="model-card-text">{model.description}</p>
      <dl className="model-facts">
        <div>
          <dt>Download</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd>{formatBytes(model.memoryBytes)}</dd>
        </div>
        <div>
          <dt>Speed on a Pi 5</dt>
          <dd>{formatModelSpeed(model.tokensPerSecond)}</dd>
        </div>
        <div>
          <dt>Licence</dt>
          <dd>{model.licence}</dd>
        </div>
      </dl>
      {!model.fits && (
        <p className="fit-warning">
          {model.fitWarning ?? `${name} may not fit in this machine's memory.`}
        </p>
      )}
      {action && <div className="model-card-actions">{action}</div>}
    </li>
  );
}
