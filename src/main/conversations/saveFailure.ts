// Turns a failed write into the error a caller sees: plain words, and a code
// the UI can act on (a full disk is something the user can fix).
import { ApiFailure } from '../contracts/failure';
import { errorCode, isDiskFull } from '../base/fileSystem';

/** Why a save failed, in words for a log line or an error message. */
export function describeSaveError(error: unknown): string {
  if (isDiskFull(error)) return 'the disk is full';
  if (errorCode(error) === 'EROFS') return 'the disk is read-only';
  return error instanceof Error ? error.message : String(error);
}

export function saveFailure(error: unknown): ApiFailure {
  const failure = new ApiFailure(
    isDiskFull(error) ? 'storage_full' : 'internal',
    `Hearth could not save the conversation: ${describeSaveError(error)}`,
  );
  failure.cause = error;
  return failure;
}
