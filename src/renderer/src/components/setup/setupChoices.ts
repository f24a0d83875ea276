// The decisions behind the model setup screens, apart from React so that each
// is tested on its own: what a download's buttons do, and which unfinished
// download belongs to which catalog entry.
import type { CatalogModel, ModelDownload, ModelList } from '../../../../shared/api';
import type { HearthActions } from '../../store/actions';

export type UnfinishedDownload = ModelList['unfinished'][number];

/** A download or copy still moving: the choices wait until it ends. */
export function isUnderWay(download: ModelDownload | null): download is ModelDownload {
  return (
    download !== null &&
    (download.state === 'downloading' ||
      download.state === 'copying' ||
      download.state === 'verifying' ||
      download.state === 'loading')
  );
}

/**
 * The same download again, or null when it cannot be repeated from here: a
 * file copied from a USB stick is picked again from the file list.
 */
export function retryChoice(download: ModelDownload): { catalogId: string } | null {
  return download.catalogId === undefined ? null : { catalogId: download.catalogId };
}

export interface DownloadHandlers {
  onCancel(): void;
  /** Null when the failed or cancelled download cannot be repeated from its panel. */
  onRetry: (() => void) | null;
}

export function downloadHandlers(
  actions: HearthActions,
  download: ModelDownload,
): DownloadHandlers {
  const again = retryChoice(download);
  return {
    onCancel: () => void actions.cancelDownload(),
    onRetry: again && (() => void actions.downloadModel(again)),
  };
}

/** The unfinished download of this catalog entry, if any. */
export function unfinishedFor(
  model: Pick<CatalogModel, 'id'>,
  unfinished: readonly UnfinishedDownload[],
): UnfinishedDownload | undefined {
  return unfinished.find((u) => u.catalogId === model.id);
}
