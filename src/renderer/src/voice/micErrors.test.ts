import { describe, expect, it } from 'vitest';
import {
  MIC_BUSY,
  MIC_MISSING,
  MIC_NEEDS_SECURE_CONNECTION,
  MIC_REFUSED,
  micErrorMessage,
  micUnavailableReason,
} from './micErrors';

const domError = (name: string) => Object.assign(new Error(`${name} raw text`), { name });

describe('micErrorMessage', () => {
  it("turns the browser's errors into one sentence a person can act on", () => {
    expect(micErrorMessage(domError('NotAllowedError'))).toBe('Microphone permission was refused.');
    expect(micErrorMessage(domError('SecurityError'))).toBe(MIC_REFUSED);
    expect(micErrorMessage(domError('NotFoundError'))).toBe('No microphone was found.');
    expect(micErrorMessage(domError('OverconstrainedError'))).toBe(MIC_MISSING);
    expect(micErrorMessage(domError('NotReadableError'))).toBe(MIC_BUSY);
  });

  it('names anything else plainly, with its own message', () => {
    expect(micErrorMessage(new TypeError('addModule failed'))).toBe(
      'The microphone could not be opened: addModule failed',
    );
    expect(micErrorMessage('odd')).toBe('The microphone could not be opened: odd');
  });
});

describe('micUnavailableReason', () => {
  const getUserMedia = () => {};
  it('a plain-http page (no secure context, no mediaDevices) is pointed to the setting', () => {
    expect(micUnavailableReason({ isSecureContext: false })).toBe(
      'The microphone needs a secure connection: turn on Settings > Secure connection for phones.',
    );
    expect(micUnavailableReason({ isSecureContext: true, mediaDevices: undefined })).toBe(
      MIC_NEEDS_SECURE_CONNECTION,
    );
    expect(micUnavailableReason({})).toBe(MIC_NEEDS_SECURE_CONNECTION);
  });

  it('a secure page with getUserMedia may ask', () => {
    expect(
      micUnavailableReason({
        isSecureContext: true,
        mediaDevices: { getUserMedia },
        audioWorklet: true,
      }),
    ).toBeUndefined();
    expect(
      micUnavailableReason({
        isSecureContext: true,
        mediaDevices: { getUserMedia },
        audioWorklet: false,
      }),
    ).toMatch(/cannot process microphone sound/);
  });
});
