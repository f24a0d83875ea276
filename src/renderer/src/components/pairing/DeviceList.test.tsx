// Roles and accessible names of the Connect-a-phone sheet's parts and of a
// pending prompt, from server-rendered markup.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PendingPromptView } from '../MessageView';
import { DeviceList } from './DeviceList';
import { QrCode } from './QrCode';

const phone = {
  id: '7d6c8f3e-1111-4222-8333-944455556666',
  name: 'Chrome on Android',
  firstSeen: Date.UTC(2026, 0, 2),
  lastSeen: Date.UTC(2026, 0, 3),
  connected: false,
};

describe('Connect a phone, by role and name', () => {
  it('lists paired devices, each with a Forget button named after it', () => {
    const html = renderToStaticMarkup(<DeviceList devices={[phone]} onForget={() => {}} />);
    expect(html).toMatch(/<ul class="device-list" aria-label="Paired devices">/);
    expect(html).toContain(
      '<button type="button" class="button" aria-label="Forget Chrome on Android">',
    );
    expect(html).toContain('Last seen');
  });

  it('says so when no phone is paired, and while the list loads', () => {
    expect(renderToStaticMarkup(<DeviceList devices={[]} onForget={() => {}} />)).toContain(
      'No phone is paired yet.',
    );
    expect(renderToStaticMarkup(<DeviceList devices={null} onForget={() => {}} />)).toContain(
      'Loading paired devices',
    );
  });

  it('draws the QR code as an image of rectangles, with no inline style', () => {
    const html = renderToStaticMarkup(
      <QrCode text="http://10.0.0.2:8737/pair?code=x" label="QR" />,
    );
    expect(html).toMatch(/^<svg class="qr" viewBox="-4 -4 \d+ \d+" role="img" aria-label="QR"/);
    expect(html.match(/<rect /g)?.length).toBeGreaterThan(50);
    expect(html).not.toContain('style=');
  });
});

describe('a pending prompt', () => {
  it('is a message from You that says it waits for the connection, or is being sent', () => {
    const offline = renderToStaticMarkup(<PendingPromptView text="hi" online={false} />);
    expect(offline).toMatch(/<article class="msg msg-user msg-pending" aria-label="You">/);
    expect(offline).toContain('Waiting for connection…');
    expect(renderToStaticMarkup(<PendingPromptView text="hi" online />)).toContain('Sending…');
  });
});
