// What "Connect a phone" shows beside the QR code: over https, the
// certificate's fingerprint with a sentence on what to compare it with; over
// http, no fingerprint at all.
import { describe, expect, it } from 'vitest';
import { renderWithState } from '../../../../testing/rendererFakes';
import { PairingSheet } from './PairingSheet';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  ((i * 7) % 256).toString(16).toUpperCase().padStart(2, '0'),
).join(':');

const sheet = (pairing: { url: string; fingerprint?: string }) =>
  renderWithState(<PairingSheet open onClose={() => {}} />, {
    role: 'owner',
    devices: [],
    pairing: { ...pairing, expiresAt: Date.now() + 60_000, reachable: true },
  });

describe('the pairing sheet', () => {
  it('shows the certificate fingerprint under the QR code over https, saying what to compare', () => {
    const html = sheet({
      url: 'https://192.168.1.40:8737/pair?code=abc',
      fingerprint: FINGERPRINT,
    });
    expect(html).toContain('https://192.168.1.40:8737/pair?code=abc');
    expect(html).toContain(FINGERPRINT);
    expect(html).toMatch(/warns that the connection is not private/);
    expect(html).toMatch(/SHA-256 fingerprint the phone shows is this one/);
    // Under the QR code: after it in the sheet.
    expect(html.indexOf(FINGERPRINT)).toBeGreaterThan(html.indexOf('QR code'));
  });

  it('shows no fingerprint over http', () => {
    const html = sheet({ url: 'http://192.168.1.40:8737/pair?code=abc' });
    expect(html).not.toMatch(/fingerprint/i);
  });
});
