// The touch layouts: the Pi's 7" display, a 720p screen and a phone. Everything a
// person needs is on screen, nothing scrolls sideways, and every button is a
// comfortable touch target.
import type { Locator } from '@playwright/test';
import { expect, openAsOwner, test } from './fixtures';
import { sendPrompt, ui, waitUntilReady } from './ui';

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
    await openAsOwner(page, server);
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
  await openAsOwner(page, server, '/?keyboard=on');
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

// The kiosk's touch rules (styles.css): a long press on a control, the header or a
// key selects nothing and opens no callout, while an answer stays text to copy.
// The page-wide context menu is refused by Electron's main process (covered in
// src/main/electron/index.test.ts), not by the page, so only the logo's own
// long-press gesture is checked for it here.
test('controls, the header and the keyboard are not selectable text; answers are', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  await page.setViewportSize({ width: 800, height: 480 });
  await openAsOwner(page, server, '/?keyboard=on');
  await waitUntilReady(page);
  const { message, newConversation, answers } = ui(page);
  await sendPrompt(page, 'Once upon a time');
  const answer = answers.first().locator('.markdown');
  await expect(answer).not.toBeEmpty({ timeout: 60_000 });
  await message.click();
  await expect(page.getByRole('button', { name: 'Hide keyboard' })).toBeVisible();

  const touchStyle = (locator: Locator) =>
    locator.evaluate((el) => {
      const style = getComputedStyle(el);
      return { userSelect: style.userSelect, touchAction: style.touchAction };
    });
  // styles.css also sets -webkit-touch-callout: none for WebKit; Chromium (and so
  // Electron) has no such property, so there is nothing of it to compute here.
  const untouchable = { userSelect: 'none', touchAction: 'manipulation' };
  expect(await touchStyle(newConversation), 'a button').toEqual(untouchable);
  expect(await touchStyle(page.locator('header.topbar')), 'the header').toEqual(untouchable);
  expect(await touchStyle(page.locator('.hearth-keyboard')), 'the keyboard').toEqual(untouchable);

  // What a long press would select: nothing on a control, the words of an answer.
  const selected = (locator: Locator) =>
    locator.evaluate((el) => {
      const selection = getSelection();
      selection?.selectAllChildren(el);
      const text = selection?.toString() ?? '';
      selection?.removeAllRanges();
      // Compared without whitespace: a selection puts line breaks between paragraphs.
      const words = (s: string) => s.replace(/\s+/g, '');
      return { selected: words(text), shown: words(el.textContent ?? '') };
    });
  for (const [name, control] of [
    ['a button', newConversation],
    ['the header', page.locator('header.topbar')],
    ['the keyboard', page.locator('.hearth-keyboard')],
  ] as const) {
    const { selected: text, shown } = await selected(control);
    expect(shown, `${name} has text to not select`).not.toBe('');
    expect(text, name).toBe('');
  }
  const copied = await selected(answer);
  expect(copied.selected).not.toBe('');
  expect(copied.selected, 'the whole answer can be selected').toBe(copied.shown);
  expect(await touchStyle(answer)).toMatchObject({
    userSelect: expect.stringMatching(/^(auto|text)$/),
  });

  // The logo's long press opens the way out, so it asks the browser for no context menu.
  // (With the keyboard up, the 7-inch layout hides the logo to make room.)
  await page.getByRole('button', { name: 'Hide keyboard' }).click();
  const logo = page.getByRole('heading', { name: 'Hearth', level: 1 });
  const menuRefused = await logo.evaluate(
    (el) => !el.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })),
  );
  expect(menuRefused, 'the context menu on the logo is refused').toBe(true);
});
