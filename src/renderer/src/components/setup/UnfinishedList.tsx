// Downloads that stopped midway, in Settings: each holds space on the card
// until it is continued (from its catalog card) or removed here.
import type { CatalogModel } from '../../../../shared/api';
import { formatBytes } from '../../format';
import { RemoveButton, RemovePrompt, type Removal } from './RemovePrompt';
import type { UnfinishedDownload } from './setupChoices';

export interface UnfinishedListProps {
  unfinished: readonly UnfinishedDownload[];
  /** For the names of catalog models. */
  catalog: readonly CatalogModel[];
  /** The list's accessible name. */
  label: string;
  removal: Removal;
}

/** Hook-free, so tests can render it in any state and press its buttons. */
export function UnfinishedList({ unfinished, catalog, label, removal }: UnfinishedListProps) {
  return (
    <ul className="model-files" aria-label={label}>
      {unfinished.map((part) => {
        const name =
          catalog.find((model) => model.id === part.catalogId)?.displayName ?? part.fileName;
        const of = part.total === null ? '' : ` of ${formatBytes(part.total)}`;
        return (
          <li key={part.fileName} className="model-file">
            <div className="model-file-info">
              <span className="model-file-name">{name}</span>
              <span className="model-file-meta">
                {formatBytes(part.bytes)}
                {of} downloaded
              </span>
            </div>
            {removal.asking === part.fileName ? (
              <RemovePrompt
                name={`the unfinished download of ${name}`}
                frees={part.bytes}
                fileName={part.fileName}
                removal={removal}
              />
            ) : (
              <RemoveButton
                name={`the unfinished download of ${name}`}
                onClick={() => removal.onAsk(part.fileName)}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
