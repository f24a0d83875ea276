// A voice model download as the owner watches it, in Settings > Voice and on
// the setup screen's voice step: like a language model's (DownloadProgress), a
// bar with bytes, speed and time left, and Cancel while bytes move; when it
// failed or was cancelled, its one sentence.
import type { VoiceModelDownload } from '../../../../shared/voiceModelsSchema';
import {
  voiceDownloadHeading,
  voiceDownloadPercent,
  voiceDownloadProblem,
  voiceDownloadText,
} from '../settings/voiceChoices';
import { ProgressBar } from './ProgressBar';

export interface VoiceDownloadProgressProps {
  download: VoiceModelDownload;
  onCancel(): void;
}

/** Hook-free, so tests can render it with any download and press Cancel. */
export function VoiceDownloadProgress({ download, onCancel }: VoiceDownloadProgressProps) {
  if (download.state === 'failed' || download.state === 'cancelled') {
    return (
      <p className={`download download-${download.state} download-error`} role="alert">
        {voiceDownloadProblem(download)}
      </p>
    );
  }
  if (download.state === 'done') {
    return (
      <p className="download download-done" role="status">
        {download.ids.length > 1
          ? 'The voice models are installed.'
          : `${download.displayName} is installed.`}
      </p>
    );
  }
  const heading = voiceDownloadHeading(download);
  const percent = voiceDownloadPercent(download);
  const text = voiceDownloadText(download);
  return (
    <section className="download" aria-label={heading}>
      <p className="download-title">{heading}</p>
      <ProgressBar label="Progress of the voice download" percent={percent} text={text} />
      <p className="download-text">{text}</p>
      {download.state === 'downloading' && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel voice download
        </button>
      )}
    </section>
  );
}
