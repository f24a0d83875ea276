// The one sentence the owner reads about a voice model that could not be
// downloaded, installed, checked or removed; it always names the model.
import type { DownloadFailure } from '../../models/downloadError';

export type VoiceModelProblem =
  /** The download or unpacking was cancelled; the archive is kept to continue. */
  | 'cancelled'
  /** Refused before anything was done (unknown, busy, locked by another process). */
  | 'refused'
  /** Not installed, or damaged: a file missing, changed or truncated. */
  | 'not-installed'
  | 'damaged'
  /** The download, its check or the unpacking failed. */
  | 'failed';

export class VoiceModelError extends Error {
  override name = 'VoiceModelError';
  /** The archive's contents were refused (not a full disk or a cancel): it is not kept. */
  badArchive = false;
  constructor(
    readonly problem: VoiceModelProblem,
    message: string,
    /** The download's own failure, when it was the transfer that failed. */
    readonly download?: DownloadFailure,
  ) {
    super(message);
  }
}

/** "Could not install Amy (US English, low): <why>." */
export function installFailure(displayName: string, why: string): VoiceModelError {
  return new VoiceModelError('failed', `Could not install ${displayName}: ${why}.`);
}

/**
 * The same, for an archive whose contents are refused: its bytes matched the
 * pinned sha256, so fetching them again would be refused again; it is deleted.
 */
export function refusedArchive(displayName: string, why: string): VoiceModelError {
  const error = installFailure(displayName, `its archive was refused, as ${why}`);
  error.badArchive = true;
  return error;
}

/** "Amy (US English, low) is damaged: <why>; remove it and download it again." */
export function damaged(displayName: string, why: string): VoiceModelError {
  return new VoiceModelError(
    'damaged',
    `${displayName} is damaged: ${why}; remove it and download it again.`,
  );
}
