// Who the owner is, in Chromium against a real `npm run serve`: a browser on
// this machine is no one until it opens the printed owner page link; then it
// has the owner's menu, also after a restart. Signing owner browsers out in
// Settings signs out every one of them (this one too) and retires the old link.
import type { Page } from '@playwright/test';
import { expect, OWNER_LINE, test } from './fixtures';
import { ui, waitUntilReady } from './ui';

test.use({ viewport: { width: 800, height: 480 } });

const pairingPage = (page: Page) =>
  page.getByRole('heading', { name: 'Pair this device with Hearth' });

/** The owner's menu: Settings and Connect a phone are there only for the owner. */
async function expectOwnerMenu(page: Page): Promise<void> {
  await ui(page).history.click();
  const drawer = ui(page).historyDrawer;
  await expect(drawer.getByRole('button', { name: 'Settings' })).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Connect a phone' })).toBeVisible();
  await page.keyboard.press('Escape');
}

test('a browser on this machine is no one until it opens the owner page link; then it is the owner, also after a restart', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  expect(new URL(server.ownerUrl).origin).toBe(server.url);

  // Loopback proves nothing: the page that says how to pair, and no app.
  const visit = await page.goto(server.url);
  expect(visit?.status()).toBe(401);
  await expect(pairingPage(page)).toBeVisible();
  await expect(ui(page).message).toHaveCount(0);

  await page.goto(server.ownerUrl);
  // Redirected home: the secret has left the address bar.
  expect(page.url()).toBe(`${server.url}/`);
  await waitUntilReady(page);
  await expectOwnerMenu(page);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'hearth_owner')).toMatchObject({
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
  });

  // The cookie outlives a restart: the secret is kept in the data directory.
  await hearth.restart();
  await page.reload();
  await waitUntilReady(page);
  await expectOwnerMenu(page);
});

test('Sign out owner browsers signs out every owner browser, this one too, and retires the old link', async ({
  page,
  browser,
  hearth,
}) => {
  const server = await hearth.start();
  const oldLink = server.ownerUrl;
  const other = await browser.newPage();
  for (const screen of [page, other]) {
    await screen.goto(oldLink);
    await waitUntilReady(screen);
  }

  await ui(page).history.click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const section = page
    .getByRole('dialog', { name: 'Settings' })
    .getByRole('region', { name: 'Owner browsers' });
  await expect(section).toContainText('This browser is signed out too.');
  await section.getByRole('button', { name: 'Sign out owner browsers' }).click();
  await section.getByRole('button', { name: 'Sign out', exact: true }).click();

  // This browser reloads into the page it now gets; the other one is cut off.
  await expect(pairingPage(page)).toBeVisible();
  await expect(ui(other).connection).not.toContainText('Connected');
  await other.reload();
  await expect(pairingPage(other)).toBeVisible();

  // Hearth printed the new link; the old one no longer works.
  await expect.poll(() => server.output.filter((line) => OWNER_LINE.test(line)).length).toBe(2);
  expect(server.ownerUrl).not.toBe(oldLink);
  const refused = await page.goto(oldLink);
  expect(refused?.status()).toBe(403);
  await expect(
    page.getByRole('heading', { name: 'This owner page link does not work' }),
  ).toBeVisible();
  await page.goto(server.ownerUrl);
  await waitUntilReady(page);
  await expectOwnerMenu(page);
  await other.close();
});
