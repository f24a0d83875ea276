// The touch layouts: the Pi's 7" display, a 720p screen and a phone. Everything a
// person needs is on screen, nothing scrolls sideways, and every button is a
// comfortable touch target.
import { expect, test } from './fixtures';
import { ui, waitUntilReady } from './ui';

const screens = [
  { name: 'Pi 7-inch display', width: 800, height: 480 },
  { name: '1280x720 screen', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
];

for (const screen of screens) {
  test(`the ${screen.name} (${screen.width}x${screen.height}) layout fits and has 48 px touch targets`, async ({
    page,
    hearth,
  }) => {
    const server = await hearth.start();
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await page.goto(server.url);
    await waitUntilReady(page);
    const { message, send, temperature, connection, newConversation, conversation } = ui(page);

    for (const element of [message, send, temperature, connection, newConversation, conversation]) {
      await expect(element).toBeInViewport();
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, 'nothing scrolls sideways').toBeLessThanOrEqual(0);

    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, [role="button"], input, textarea')]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.width > 0 && box.height > 0;
        })
        .map((el) => {
          const box = el.getBoundingClientRect();
          const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
          return { name, width: Math.round(box.width), height: Math.round(box.height) };
        })
        .filter((b) => b.width < 48 || b.height < 48),
    );
    expect(small, 'touch targets smaller than 48 px').toEqual([]);
  });
}

test('the on-screen keyboard types into the Message box at the kiosk', async ({ page, hearth }) => {
  const server = await hearth.start();
  await page.setViewportSize({ width: 800, height: 480 });
  // ?keyboard=on stands in for the kiosk, where window.hearth turns it on.
  await page.goto(`${server.url}/?keyboard=on`);
  await waitUntilReady(page);
  const { message } = ui(page);
  await message.click();
  await expect(page.getByRole('button', { name: 'Hide keyboard' })).toBeVisible();
  for (const key of ['h', 'i', '{space}', 't', 'h', 'e', 'r', 'e']) {
    await page.locator(`[data-skbtn="${key}"]`).click();
  }
  await expect(message).toHaveValue('hi there');
  const keys = await page.evaluate(() =>
    [...document.querySelectorAll('[data-skbtn]')].map((el) => {
      const box = el.getBoundingClientRect();
      return Math.min(box.width, box.height);
    }),
  );
  expect(keys.length).toBeGreaterThan(26);
  expect(Math.min(...keys), 'keys are at least 40 px on the 7-inch display').toBeGreaterThanOrEqual(
    40,
  );
  await page.getByRole('button', { name: 'Hide keyboard' }).click();
  await expect(page.locator('[data-skbtn="h"]')).toHaveCount(0);
});
