// Why the microphone cannot be used, in one sentence a person can act on. The
// browser's errors name the problem (NotAllowedError, NotFoundError, ...) but
// not what to do about it; a phone on plain http gets no microphone at all.

export const MIC_REFUSED = 'Microphone permission was refused.';
export const MIC_MISSING = 'No microphone was found.';
export const MIC_NEEDS_SECURE_CONNECTION =
  'The microphone needs a secure connection: turn on Settings > Secure connection for phones.';
export const MIC_BUSY = 'The microphone is in use by another program or could not be started.';
export const MIC_STOPPED = 'The microphone stopped: is it still plugged in?';

/** What of the page's environment decides whether a microphone can be asked for at all. */
export interface MicEnvironment {
  isSecureContext?: boolean;
  mediaDevices?: { getUserMedia?: unknown } | undefined;
  /** AudioWorklet is there (it is only in secure contexts too). */
  audioWorklet?: boolean;
}

/** Why this page can never open a microphone, or undefined when it can ask. */
export function micUnavailableReason(env: MicEnvironment): string | undefined {
  // Browsers hide navigator.mediaDevices outside a secure context (a phone on plain http).
  if (env.isSecureContext !== true || typeof env.mediaDevices?.getUserMedia !== 'function') {
    return MIC_NEEDS_SECURE_CONNECTION;
  }
  if (env.audioWorklet === false) return 'This browser cannot process microphone sound.';
  return undefined;
}

/** A getUserMedia (or audio set-up) failure as the sentence to show. */
export function micErrorMessage(error: unknown): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return MIC_REFUSED;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return MIC_MISSING;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return MIC_BUSY;
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return `The microphone could not be opened: ${detail}`;
    }
  }
}
