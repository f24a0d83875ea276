// What Settings > Voice offers and says about voice models, apart from React so
// each decision is tested on its own: the two choices, the "in use" lines, and
// a download's words.
import {
  AUTOMATIC_CHOICE,
  FLOOR_RECOGNIZER,
  FLOOR_VOICE,
  type VoiceCatalogModel,
  type VoiceEngineChoice,
  type VoiceModelDownload,
  type VoiceModelKind,
} from '../../../../shared/voiceModelsSchema';
import { downloadPercent, downloadProgressText, formatBytes } from '../../format';

export interface VoiceOption {
  value: string;
  label: string;
}

const FLOOR: Record<VoiceModelKind, VoiceOption> = {
  recognizer: { value: FLOOR_RECOGNIZER, label: 'pocketsphinx (no download, less accurate)' },
  voice: { value: FLOOR_VOICE, label: 'flite (no download)' },
};

/**
 * Automatic, each catalog model of this kind (one not downloaded says so), and
 * the engine that needs no download; a saved id the list does not know (yet)
 * stays among them, so the select shows what is saved.
 */
export function voiceOptions(
  kind: VoiceModelKind,
  catalog: readonly VoiceCatalogModel[],
  saved: string,
): VoiceOption[] {
  const options: VoiceOption[] = [
    { value: AUTOMATIC_CHOICE, label: 'Automatic' },
    ...catalog
      .filter((model) => model.kind === kind)
      .map((model) => ({
        value: model.id,
        label: model.installed ? model.displayName : `${model.displayName} (not downloaded)`,
      })),
    FLOOR[kind],
  ];
  if (!options.some((option) => option.value === saved))
    options.push({ value: saved, label: saved });
  return options;
}

/** "In use: Moonshine tiny (English)." or, with nothing usable, what Hearth cannot do. */
export function inUseLine(kind: VoiceModelKind, choice: VoiceEngineChoice): string {
  if (choice.inUse === 'none') {
    return kind === 'recognizer'
      ? 'In use: none, so Hearth cannot hear.'
      : 'In use: none, so Hearth cannot speak.';
  }
  return `In use: ${choice.inUseName}.`;
}

/** The recognizer and the voice the catalog recommends, when it has both. */
export function recommendedPair(
  catalog: readonly VoiceCatalogModel[],
): [VoiceCatalogModel, VoiceCatalogModel] | null {
  const recognizer = catalog.find((m) => m.kind === 'recognizer' && m.recommended);
  const voice = catalog.find((m) => m.kind === 'voice' && m.recommended);
  return recognizer && voice ? [recognizer, voice] : null;
}

const headings: Record<VoiceModelDownload['state'], string> = {
  downloading: 'Downloading',
  verifying: 'Checking',
  unpacking: 'Unpacking',
  done: 'Installed',
  failed: 'Could not download',
  cancelled: 'Cancelled',
};

/** "Downloading Moonshine tiny (English)", with "(1 of 2)" in a job of several. */
export function voiceDownloadHeading(download: VoiceModelDownload): string {
  const index = download.ids.indexOf(download.current);
  const of =
    download.ids.length > 1 && index >= 0 ? ` (${index + 1} of ${download.ids.length})` : '';
  return `${headings[download.state]} ${download.displayName}${of}`;
}

/** "12 MB of 175 MB · 2.1 MB/s · about 2 minutes left", or the step in words. */
export function voiceDownloadText(download: VoiceModelDownload): string {
  if (download.state === 'verifying') return 'Checking the files…';
  if (download.state === 'unpacking') return 'Unpacking…';
  if (download.state !== 'downloading') return '';
  return downloadProgressText({ ...download, state: 'downloading' });
}

/** Whole percent done across the job, or null while its size is unknown. */
export function voiceDownloadPercent(download: VoiceModelDownload): number | null {
  // Checking and unpacking come after every byte arrived: the bar stays where it was.
  return downloadPercent({
    ...download,
    state: download.state === 'done' ? 'done' : 'downloading',
  });
}

/** The sentence a failed or cancelled job shows: main's, else a plain one. */
export function voiceDownloadProblem(download: VoiceModelDownload): string {
  if (download.error) return download.error;
  return download.state === 'cancelled'
    ? `The download of ${download.displayName} was cancelled.`
    : `Could not download ${download.displayName}.`;
}

/** "(108 MB)", or for a download that stopped midway "(12 MB of 108 MB)". */
export function downloadSize(model: VoiceCatalogModel): string {
  const size = formatBytes(model.sizeBytes);
  return model.unfinishedBytes ? `(${formatBytes(model.unfinishedBytes)} of ${size})` : `(${size})`;
}
