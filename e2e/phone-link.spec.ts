// A phone's link on loopback, as a person on the phone meets it: a message typed
// while the link is down waits, visibly, and goes once it is back; after ten
// failed attempts the page says "Connection lost" and Retry recovers. And the
// owner can show a phone the pairing QR code and forget paired phones. (The
// page here is an owner-page browser, so the link tests see the full app.)
// (Real network cuts, across namespaces, are in phone-lan.spec.ts.)
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, WebSocketRoute } from '@playwright/test';
import type { Conversation, ConversationSummary, PairingInfo } from '../src/shared/api';
import { callApi, expect, openAsOwner, type OwnerEndpoint, test } from './fixtures';
import { ui, waitForAnswer, waitUntilReady } from './ui';

test.use({
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
});

async function storedPrompts(server: OwnerEndpoint): Promise<string[]> {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  const stored = (await callApi(server, 'openConversation', { id: latest.id })) as Conversation;
  return stored.messages.filter((m) => m.role === 'user').map((m) => m.text);
}

const messagesOn = (server: OwnerEndpoint) => async () => {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(server, 'openConversation', { id: latest.id })) as Conversation).messages;
};

/**
 * The page's WebSocket goes through the test: while "offline", open sockets are
 * cut and new ones are refused, as when a phone loses Wi-Fi.
 */
async function switchableLink(page: Page) {
  let online = true;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (!online) return void ws.close();
    open.add(ws);
    ws.connectToServer();
    ws.onClose(() => open.delete(ws));
  });
  return {
    async down() {
      online = false;
      for (const ws of [...open]) await ws.close();
      await page.context().setOffline(true);
    },
    async up() {
      online = true;
      // The browser's 'online' event: the page tries at once, without waiting out its backoff.
      await page.context().setOffline(false);
    },
  };
}

test('a message typed offline waits visibly and is sent, once, when the link is back', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  const link = await switchableLink(page);
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  await view.message.fill('Tell me a story about a fox.');
  await expect(view.send).toBeEnabled();

  // The link drops before Send is pressed.
  await link.down();
  await expect(view.connection).toContainText('Reconnecting');
  await view.send.click();
  const waiting = view.conversation.getByText('Waiting for connection…');
  await expect(view.prompts.filter({ hasText: 'Waiting for connection…' })).toContainText(
    'Tell me a story about a fox.',
  );
  await expect(view.message).toHaveValue('');
  expect(await storedPrompts(server)).toEqual([]);

  await link.up();
  await expect(view.connection).toContainText('Connected');
  await expect(waiting).toHaveCount(0);
  await waitForAnswer(page, messagesOn(server));
  expect(await storedPrompts(server)).toEqual(['Tell me a story about a fox.']);
  await expect(view.prompts).toHaveCount(1);
});

test('after ten failed attempts says "Connection lost", and Retry brings it back', async ({
  page,
  hearth,
}) => {
  // The page's clock runs as usual but can be moved on, so the backoff's waits
  // (1 s doubling to 30 s, about three minutes in all) pass in moments.
  await page.clock.install();
  const server = await hearth.start();
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  // Every text the status shows, as it changes.
  await page.evaluate(() => {
    const status = document.querySelector('[role="status"][aria-label="Connection"]');
    const seen: string[] = [];
    (window as unknown as { linkTexts: string[] }).linkTexts = seen;
    new MutationObserver(() => seen.push(status?.textContent ?? '')).observe(status as Node, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });

  await server.stop();
  // The first attempt's text lasts about a second of real time; on a busy
  // machine a polling assertion can miss it, so read what the page recorded.
  const recorded = () =>
    page.evaluate(() => (window as unknown as { linkTexts: string[] }).linkTexts);
  await expect
    .poll(async () =>
      (await recorded()).some((t) => t.startsWith('Reconnecting (attempt 1 of 10)')),
    )
    .toBe(true);
  const retry = page.getByRole('button', { name: 'Retry' });
  for (let i = 0; i < 20 && !(await retry.isVisible()); i++) {
    await page.clock.runFor(31_000);
    await page.waitForTimeout(100); // the refused connection arrives in real time
  }
  const texts = await recorded();
  const attempts = texts.filter((text) => text.startsWith('Reconnecting'));
  expect(new Set(attempts).size).toBe(10);
  // Lost only after the tenth attempt failed.
  expect(texts.slice(-2)).toEqual(['Reconnecting (attempt 10 of 10)', 'Connection lost']);
  await expect(view.connection).toContainText('Connection lost');
  await expect(retry).toBeVisible();

  await hearth.restart();
  await retry.click();
  await expect(view.connection).toContainText('Connected');
  await expect(retry).toHaveCount(0);
  await expect(view.message).toBeEditable();
});

test("the kiosk's owner shows a phone the pairing QR code and can forget a paired phone", async ({
  page,
  hearth,
}) => {
  // Listening beyond loopback, so a phone could reach the URL; this browser opened the
  // owner page, which Hearth prints on loopback even when it listens everywhere.
  const server = await hearth.start({ HEARTH_HOST: '0.0.0.0' });
  const local = `http://127.0.0.1:${hearth.port}`;
  expect(new URL(server.ownerUrl).origin).toBe(local);
  await openAsOwner(page, server);
  await waitUntilReady(page);

  await ui(page).history.click();
  await page.getByRole('button', { name: 'Connect a phone' }).click();
  const sheet = page.getByRole('dialog', { name: 'Connect a phone' });
  const qr = sheet.getByRole('img', { name: /QR code/ });
  await expect(qr).toBeVisible();
  expect(await qr.locator('rect').count()).toBeGreaterThan(50);
  const asOwner = { url: local, ownerCookie: () => server.ownerCookie() };
  const pairing = (await callApi(asOwner, 'getPairing')) as PairingInfo;
  expect(pairing.reachable).toBe(true);
  await expect(sheet).toContainText(pairing.url);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  const devices = sheet.getByRole('list', { name: 'Paired devices' });
  await expect(sheet).toContainText('No phone is paired yet');

  // A phone opens the URL: the sheet shows it, and a fresh code replaces the used one.
  const paired = await fetch(pairing.url, {
    redirect: 'manual',
    headers: {
      'User-Agent':
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    },
  });
  expect(paired.status).toBeLessThan(400);
  await expect(devices.getByRole('listitem')).toHaveCount(1);
  await expect(sheet).not.toContainText(pairing.url);

  const forget = devices.getByRole('button', { name: /^Forget / });
  await expect(forget).toHaveAccessibleName(/^Forget .+/);
  const box = await forget.boundingBox();
  expect(box?.height).toBeGreaterThanOrEqual(48);
  await forget.click();
  await devices.getByRole('button', { name: 'Forget', exact: true }).click();
  await expect(sheet).toContainText('No phone is paired yet');
});
