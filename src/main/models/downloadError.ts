// Everything that can stop a model download, and the one sentence the owner
// reads about it. Offline is the usual case for Hearth, so "no internet" must
// read as plainly as success.
import { formatBytes, formatDuration } from './units';

export type DownloadFailure =
  | { kind: 'refused'; reason: string }
  | { kind: 'hub-http'; repository: string; status: number }
  | { kind: 'hub-no-file'; repository: string; file: string; revision: string }
  | { kind: 'hub-no-checksum'; repository: string; file: string }
  | { kind: 'hub-unexpected'; repository: string; problem: string }
  | { kind: 'unreachable'; host: string }
  | { kind: 'certificate'; host: string }
  | { kind: 'http'; status: number }
  | { kind: 'lost'; bytes: number; total: number | null }
  | { kind: 'stalled'; seconds: number; bytes: number; total: number | null }
  | { kind: 'cancelled' }
  | { kind: 'no-space'; needed: number | null; free: number | null }
  | { kind: 'disk'; reason: string }
  | { kind: 'not-gguf' }
  | { kind: 'wrong-size'; bytes: number; expected: number }
  | { kind: 'checksum-mismatch' }
  | { kind: 'unverified'; computedSha256: string };

/** A failure below the level that knows the model's name (the HTTP transfer). */
export class TransferFailure extends Error {
  override name = 'TransferFailure';
  constructor(readonly failure: DownloadFailure) {
    super(failure.kind);
  }
}

/** What the caller sees: `message` is one sentence for the screen or the terminal. */
export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError';
  constructor(
    readonly modelName: string,
    readonly failure: DownloadFailure,
  ) {
    super(describeFailure(modelName, failure));
  }

  get kind(): DownloadFailure['kind'] {
    return this.failure.kind;
  }
}

function progressText(bytes: number, total: number | null): string {
  return total === null ? formatBytes(bytes) : `${formatBytes(bytes)} of ${formatBytes(total)}`;
}

function hubRefusal(repository: string, status: number): string {
  if (status === 404) return `the hub has no repository ${repository} (HTTP 404)`;
  if (status === 401 || status === 403) {
    return `the hub refused access to ${repository} (HTTP ${status}); it may be private, gated or gone`;
  }
  if (status === 429) return 'the hub is limiting requests (HTTP 429); try again later';
  if (status >= 500) return `the hub had a problem (HTTP ${status}); try again later`;
  return `the hub answered HTTP ${status} about ${repository}`;
}

export function describeFailure(model: string, failure: DownloadFailure): string {
  const couldNot = `Could not download ${model}`;
  const resume = 'try again to continue where it stopped';
  switch (failure.kind) {
    case 'refused':
      return `${couldNot}: ${failure.reason}.`;
    case 'hub-http':
      return `${couldNot}: ${hubRefusal(failure.repository, failure.status)}.`;
    case 'hub-no-file':
      return `${couldNot}: the hub has no ${failure.file} in ${failure.repository} at its latest revision (${failure.revision.slice(0, 12)}).`;
    case 'hub-no-checksum':
      return `${couldNot}: the hub publishes no sha256 for ${failure.file} in ${failure.repository} (it is not stored in LFS), so it cannot be checked; give its https address and --sha256 instead.`;
    case 'hub-unexpected':
      return `${couldNot}: the hub's answer about ${failure.repository} was not what Hearth expects (${failure.problem}).`;
    case 'unreachable':
      return `${couldNot}: the server could not be reached (no internet?).`;
    case 'certificate':
      return `${couldNot}: the certificate of ${failure.host} could not be verified (is the clock right?).`;
    case 'http':
      return failure.status === 404
        ? `${couldNot}: the server has no such file (HTTP 404).`
        : failure.status === 401 || failure.status === 403
          ? `${couldNot}: the server refused access (HTTP ${failure.status}).`
          : failure.status >= 500
            ? `${couldNot}: the server had a problem (HTTP ${failure.status}); try again later.`
            : `${couldNot}: the server answered HTTP ${failure.status}.`;
    case 'lost':
      return `${couldNot}: the connection was lost after ${progressText(failure.bytes, failure.total)}; ${resume}.`;
    case 'stalled':
      return `${couldNot}: no data arrived for ${formatDuration(failure.seconds)} after ${progressText(failure.bytes, failure.total)}; ${resume}.`;
    case 'cancelled':
      return `Cancelled the download of ${model}; starting it again continues where it stopped.`;
    case 'no-space':
      return failure.needed === null || failure.free === null
        ? `${couldNot}: the disk filled up; free some space and ${resume}.`
        : `${couldNot}: the disk is too full (it needs ${formatBytes(failure.needed)}, ${formatBytes(failure.free)} is free).`;
    case 'disk':
      return `${couldNot}: the file could not be written (${failure.reason}).`;
    case 'not-gguf':
      return `${couldNot}: the server sent something that is not a GGUF model, so it was removed.`;
    case 'wrong-size':
      return `${couldNot}: the file is ${formatBytes(failure.bytes)} instead of ${formatBytes(failure.expected)}, so it was removed.`;
    case 'checksum-mismatch':
      return `${couldNot}: the file does not match its sha256 checksum, so it was removed; try again.`;
    case 'unverified':
      return `Downloaded ${model} but did not install it, because there is no sha256 to check it against; its sha256 is ${failure.computedSha256}, and pulling again with --sha256 ${failure.computedSha256} installs it if you trust the source.`;
  }
}
