import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HearthTransport } from '../../../../shared/transport';
import { HearthContext } from '../../store/context';
import { createHearthStore } from '../../store/hearthStore';
import { exitMessage } from './exitMessages';
import { KioskExitPad } from './KioskExitPad';
import { pinDigits } from './PinPad';

const idle: HearthTransport = {
  call: () => new Promise(() => {}),
  onEvent: () => () => {},
  onSnapshot: () => () => {},
  onSession: () => () => {},
  onLink: () => () => {},
  retry() {},
  close() {},
};

describe('the PIN pad that leaves kiosk mode', () => {
  it('is a dialog with a key for each digit, Delete and a Leave kiosk button waiting for a PIN', () => {
    const hearth = createHearthStore(idle);
    const html = renderToStaticMarkup(
      <HearthContext value={hearth}>
        <KioskExitPad onClose={() => {}} />
      </HearthContext>,
    );
    hearth.dispose();
    expect(html).toContain('role="dialog" aria-modal="true" aria-label="Leave kiosk mode"');
    expect(html).toContain('role="group" aria-label="PIN keypad"');
    const keys = [
      ...html.matchAll(/<button type="button" class="button pin-key"[^>]*>(\d)<\/button>/g),
    ];
    expect(keys.map((m) => m[1]).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(html).toContain('aria-label="Delete"');
    expect(html).toMatch(
      /<button type="button" class="button button-primary pin-submit" disabled="">Leave kiosk<\/button>/,
    );
    expect(html).toContain('<p class="pin-message" role="status"></p>');
  });

  it('says what each attempt came to', () => {
    expect(exitMessage({ result: 'wrong', attemptsLeft: 3 })).toBe('Wrong PIN, 3 tries left');
    expect(exitMessage({ result: 'wrong', attemptsLeft: 1 })).toBe('Wrong PIN, 1 try left');
    expect(exitMessage({ result: 'wrong', attemptsLeft: 0 })).toMatch(/^Wrong PIN, no tries left/);
    expect(exitMessage({ result: 'locked', retryAfterMs: 29_001 })).toBe(
      'Locked: try again in 30 s',
    );
    expect(exitMessage({ result: 'disabled' })).toBe('No PIN is set: set one in Settings first');
    expect(exitMessage({ result: 'unavailable' })).toMatch(/^Not running as a kiosk/);
    expect(exitMessage({ result: 'exit' })).toBe('Leaving kiosk mode…');
  });

  it('keeps typed or pasted text to at most 8 digits', () => {
    expect(pinDigits('12 34-56')).toBe('123456');
    expect(pinDigits('1234567890')).toBe('12345678');
    expect(pinDigits('abc')).toBe('');
  });
});
