// A phone on https, in Chromium: Hearth started with HEARTH_TLS=1 prints https
// addresses and its certificate's fingerprint, the pairing link opened over
// plain http is sent to https, the phone is paired with a Secure cookie, its
// link is wss, and a prompt gets an answer. The browser accepts Hearth's own
// certificate (ignoreHTTPSErrors) as a person would after the warning.
import { expect, test } from './fixtures';
import { sendPrompt, ui, waitUntilReady } from './ui';

test.use({
  // Only here: the certificate is Hearth's own, which no browser trusts by itself.
  ignoreHTTPSErrors: true,
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
});

test('a phone pairs over https, talks over wss and gets an answer', async ({ page, hearth }) => {
  const server = await hearth.start({ HEARTH_TLS: '1' });
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(server.ownerUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/owner\?secret=/);
  const pairUrl = /^Pair a device: (\S+)$/.exec(
    server.output.find((line) => line.startsWith('Pair a device: ')) ?? '',
  )?.[1];
  expect(pairUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/pair\?code=/);
  expect(server.output).toContainEqual(
    expect.stringMatching(/^Certificate SHA-256: ([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  );

  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // The link typed without https: plain http on the same port sends it on to https.
  await page.goto((pairUrl ?? '').replace(/^https:/, 'http:'));
  await expect(page).toHaveURL(`${server.url}/`);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'hearth_device');
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });

  await waitUntilReady(page);
  await sendPrompt(page, 'Tell me a story about a cat.');
  const view = ui(page);
  await expect(view.answers.first()).toContainText(/\w+/, { timeout: 60_000 });
  await expect(view.stop).toHaveCount(0, { timeout: 60_000 });
  expect(sockets.length).toBeGreaterThan(0);
  expect(sockets.every((url) => url.startsWith(`${server.url.replace(/^https/, 'wss')}/`))).toBe(
    true,
  );
});
