// A model download (or a copy from a USB stick) as the owner watches it: a bar,
// bytes, speed and time left, Cancel while bytes move; and, when it failed or
// was cancelled, the one sentence saying why with Try again.
import type { ModelDownload } from '../../../../shared/api';
import { downloadPercent, downloadProgressText } from '../../format';
import { useActions, useHearth } from '../../store/context';
import { downloadHandlers, type DownloadHandlers } from './setupChoices';
import { ProgressBar } from './ProgressBar';

const headings: Record<ModelDownload['state'], string> = {
  downloading: 'Downloading',
  copying: 'Copying',
  verifying: 'Checking',
  loading: 'Loading',
  done: 'Set up',
  failed: 'Could not set up',
  cancelled: 'Cancelled',
};

export interface DownloadProgressViewProps extends DownloadHandlers {
  download: ModelDownload;
}

/** Hook-free, so tests can render it with any download and press its buttons. */
export function DownloadProgressView({ download, onCancel, onRetry }: DownloadProgressViewProps) {
  if (download.state === 'failed' || download.state === 'cancelled') {
    return (
      <div className={`download download-${download.state}`}>
        <p className="download-error" role="alert">
          {download.error ?? `${headings[download.state]} ${download.model}.`}
        </p>
        {onRetry && (
          <button type="button" className="button button-primary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  }
  if (download.state === 'done') {
    return (
      <p className="download download-done" role="status">
        {download.model} is ready.
      </p>
    );
  }
  const percent = downloadPercent(download);
  const text = downloadProgressText(download);
  return (
    <section className="download" aria-label={`${headings[download.state]} ${download.model}`}>
      <p className="download-title">
        {headings[download.state]} {download.model}
      </p>
      <ProgressBar label="Download progress" percent={percent} text={text} />
      <p className="download-text">{text}</p>
      {download.state === 'downloading' && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel download
        </button>
      )}
      {download.state === 'copying' && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel copying
        </button>
      )}
    </section>
  );
}

/** The store's download, if there is one to show. */
export function DownloadProgress() {
  const download = useHearth((s) => s.download);
  const actions = useActions();
  if (!download) return null;
  return <DownloadProgressView download={download} {...downloadHandlers(actions, download)} />;
}
