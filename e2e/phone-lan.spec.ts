// A phone on a real LAN: Hearth in one network namespace, Chromium (a phone's
// viewport, touch) in another, joined by a veth pair, so the phone reaches
// Hearth through a real non-loopback address and its link can be cut for real
// (ip link set down: no reset, no close, a half-open socket, as when a phone
// walks out of Wi-Fi range). The test itself acts as the owner over Hearth's
// loopback, with the cookie Hearth's printed owner page gives.
import {
  expect,
  messagesOf,
  pairedPhone,
  phoneCutMidAnswer,
  skipReason,
  test,
} from './net/lanFixture';
import { rawAnswer } from './rawModel';
import { sendPrompt, squash, textOf, ui, waitForAnswer, waitUntilReady } from './ui';

test.skip(!!skipReason, skipReason);

test('a phone pairs through the printed URL and converses over the LAN', async ({ lan }) => {
  const printed = new URL(lan.pairingUrl);
  // Hearth found its LAN address: the veth end in its namespace, not 0.0.0.0 or loopback.
  expect(printed.hostname).toBe(lan.pair.hearth.address);
  expect(printed.pathname).toBe('/pair');
  expect(printed.searchParams.get('code')).toBeTruthy();

  const page = await pairedPhone(lan);
  // The code left the address bar.
  expect(new URL(page.url()).search).toBe('');
  const prompt = 'Tell me a story about a cat.';
  await sendPrompt(page, prompt);
  await waitForAnswer(page, messagesOf(lan));
  const stored = (await messagesOf(lan)()).at(-1);
  expect(stored?.text).toBe(await rawAnswer(prompt, { ...process.env, ...lan.env }));
  expect(await textOf(ui(page).answers.last())).toContain(squash(stored?.text ?? '').slice(0, 200));

  // The kiosk lists the phone by what its browser is.
  const devices = await lan.ownerCall('listDevices', {});
  expect(devices).toHaveLength(1);
  expect(devices[0]?.name).toMatch(/Android/);
});

test.describe('a link that goes down mid-answer', () => {
  // The fixture model rarely stops by itself: a long limit keeps it writing for seconds.
  test.use({ hearthEnv: { HEARTH_MAX_TOKENS: '500' } });

  test('shows Reconnecting, and once back the answer completes exactly as undisturbed', async ({
    lan,
  }) => {
    const prompt = 'Tell me a story about a dog and a ball.';
    const page = await phoneCutMidAnswer(lan, prompt);
    const view = ui(page);
    // Hearth keeps answering into the phone's session meanwhile.
    await expect
      .poll(async () => (await messagesOf(lan)()).at(-1)?.status, { timeout: 30_000 })
      .toBe('complete');
    lan.pair.up('phone');
    await expect(view.connection).toContainText('Connected', { timeout: 15_000 });
    await waitForAnswer(page, messagesOf(lan));
    const stored = (await messagesOf(lan)()).at(-1)?.text ?? '';
    expect(stored).toBe(await rawAnswer(prompt, { ...process.env, ...lan.env }));
    // Shown whole and once: the text, then only its statistics line.
    const shown = await textOf(view.answers.last());
    expect(shown.startsWith(squash(stored))).toBe(true);
    expect(shown.slice(squash(stored).length)).toMatch(/^\s*[\d.]+ tok\/s/);
    await expect(view.answers).toHaveCount(1);
  });
});

test('after 10 failed attempts it says Connection lost, and Retry brings it back', async ({
  lan,
}) => {
  const phone = await lan.newPhone();
  const page = await phone.newPage();
  // The backoff waits about 2.5 minutes in all (1 s doubling to 30 s); here they
  // pass on the page's own clock, while every attempt is a real connection.
  await page.clock.install();
  await page.goto(lan.pairingUrl);
  await waitUntilReady(page);
  const view = ui(page);
  await view.connection.evaluate((element) => {
    const seen: string[] = [];
    (window as unknown as { statuses: string[] }).statuses = seen;
    new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  // Hearth becomes unreachable while the phone stays "online": only Retry can help.
  lan.pair.unroute();
  await expect(view.connection).toContainText('Reconnecting', { timeout: 8_000 });
  for (let i = 0; i < 30; i++) {
    if ((await view.connection.textContent())?.includes('Connection lost')) break;
    await page.clock.fastForward(30_000);
    await page.waitForTimeout(100);
  }
  await expect(view.connection).toContainText('Connection lost');
  const statuses = await page.evaluate(
    () => (window as unknown as { statuses: string[] }).statuses,
  );
  expect(statuses.join('\n')).toContain('attempt 10 of 10');
  expect(statuses.join('\n')).not.toContain('attempt 11');

  lan.pair.reroute();
  await page.clock.fastForward(60_000);
  // Nothing retries by itself any more.
  await expect(view.connection).toContainText('Connection lost');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(view.connection).toContainText('Connected');
  await sendPrompt(page, 'Tell me a story.');
  await waitForAnswer(page, messagesOf(lan));
});

test('an unpaired phone gets the pairing page, and its socket gets 401', async ({ lan }) => {
  const phone = await lan.newPhone();
  const page = await phone.newPage();
  const refusals: string[] = [];
  page.on('console', (message) => refusals.push(message.text()));
  const response = await page.goto(lan.lanUrl);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading')).toContainText(/pair/i);
  // What the app would do: open the socket. The browser reports the handshake's status.
  await page.evaluate(
    (url) =>
      new Promise<void>((resolve) => {
        const socket = new WebSocket(url);
        socket.onclose = () => resolve();
      }),
    `${lan.lanUrl.replace(/^http/, 'ws')}/ws`,
  );
  await expect.poll(() => refusals.join('\n')).toContain('401');
});
