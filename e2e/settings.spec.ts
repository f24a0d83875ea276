// The owner's Settings in Chromium against a real `npm run serve`, at the Pi
// screen's 800x480: changes are checked in the form, saved to config.json and
// still there after a reload; the theme reaches every open screen; the hidden
// long press on the logo opens the PIN pad, which says there is no kiosk to
// leave here. (That a paired phone is refused every owner command, settings and
// the kiosk exit included, is src/testing/net/lanSecurity.test.ts.)
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSnapshot } from '../src/shared/api';
import { callApi, expect, openAsOwner, startAsOwner, test } from './fixtures';
import { ui, waitUntilReady } from './ui';

test.use({ viewport: { width: 800, height: 480 } });

async function openSettings(page: Page): Promise<Locator> {
  await ui(page).history.click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const sheet = page.getByRole('dialog', { name: 'Settings' });
  await expect(sheet.getByRole('heading', { name: 'About' })).toBeVisible();
  return sheet;
}

function sections(sheet: Locator) {
  const prompt = sheet.getByRole('region', { name: 'System prompt' });
  const thermal = sheet.getByRole('region', { name: 'Thermal protection' });
  const pin = sheet.getByRole('region', { name: 'Kiosk exit PIN' });
  return {
    prompt,
    promptBox: prompt.getByRole('textbox', { name: 'System prompt' }),
    promptSave: prompt.getByRole('button', { name: 'Save' }),
    thermal,
    trigger: thermal.getByRole('spinbutton', { name: 'Start cooling at' }),
    resume: thermal.getByRole('spinbutton', { name: 'Resume below' }),
    thermalSave: thermal.getByRole('button', { name: 'Save' }),
    theme: sheet.getByRole('radiogroup', { name: 'Theme' }),
    pin,
  };
}

function savedConfig(dataDir: string): Record<string, unknown> {
  const file = join(dataDir, 'config.json');
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
}

test('the owner changes the system prompt and the thresholds; they are saved and survive a reload', async ({
  page,
  hearth,
}) => {
  const server = await startAsOwner(page, hearth);
  let s = sections(await openSettings(page));

  await expect(s.promptSave).toBeDisabled();
  await s.promptBox.fill('You are a patient teacher.');
  await expect(s.prompt).toContainText('26 / 4000 characters');
  await s.promptSave.click();
  await expect(s.prompt.getByRole('status')).toHaveText('Saved.');

  await expect(s.trigger).toHaveValue('85');
  await s.trigger.fill('75');
  await s.resume.fill('69');
  // The steppers, for a finger: one degree at a time.
  await s.thermal.getByRole('button', { name: 'Lower Resume below by 1 °C' }).click();
  await expect(s.resume).toHaveValue('68');
  await s.thermalSave.click();
  await expect(s.thermal.getByRole('status')).toHaveText('Saved.');
  // Applied at once: the gauge's thresholds are the new ones.
  const { thermal } = (await callApi(server, 'getSnapshot')) as AppSnapshot;
  expect([thermal.triggerC, thermal.resumeC]).toEqual([75, 68]);

  expect(savedConfig(hearth.dataDir)).toMatchObject({
    systemPrompt: 'You are a patient teacher.',
    thermalTrigger: 75,
    thermalResume: 68,
  });

  await page.reload();
  await waitUntilReady(page);
  s = sections(await openSettings(page));
  await expect(s.promptBox).toHaveValue('You are a patient teacher.');
  await expect(s.trigger).toHaveValue('75');
  await expect(s.resume).toHaveValue('68');

  // Big enough for a finger on the 7" screen.
  for (const target of [
    s.thermal.getByRole('button', { name: 'Raise Start cooling at by 1 °C' }),
    s.trigger,
    s.theme.locator('label').first(),
  ]) {
    await target.scrollIntoViewIfNeeded();
    expect((await target.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  }
});

test('an invalid pair of thresholds says why, cannot be saved, and nothing is written', async ({
  page,
  hearth,
}) => {
  await startAsOwner(page, hearth);
  const s = sections(await openSettings(page));

  await s.resume.fill('80');
  await s.trigger.fill('79');
  const message = s.thermal.getByText(
    'Resume below must be at least 2 °C under Start cooling at (77 °C or less).',
  );
  await expect(message).toBeVisible();
  await expect(s.resume).toHaveAttribute('aria-invalid', 'true');
  await expect(s.resume).toHaveAccessibleDescription(/at least 2 °C under Start cooling at/);
  await expect(s.thermalSave).toBeDisabled();

  await s.trigger.fill('120');
  await expect(s.thermal).toContainText('Start cooling at must be between 50 and 95 °C.');
  await expect(s.thermalSave).toBeDisabled();

  // Put right, it can be saved again.
  await s.trigger.fill('85');
  await s.resume.fill('83');
  await expect(message).toHaveCount(0);
  await expect(s.thermalSave).toBeEnabled();
  await s.resume.fill('84');
  await expect(s.thermalSave).toBeDisabled();

  expect(existsSync(join(hearth.dataDir, 'config.json'))).toBe(false);
  await page.reload();
  await waitUntilReady(page);
  const again = sections(await openSettings(page));
  await expect(again.trigger).toHaveValue('85');
  await expect(again.resume).toHaveValue('80');
});

test('Dark applies at once on every open screen, survives a reload, and reads well in both themes', async ({
  page,
  browser,
  hearth,
}) => {
  const server = await hearth.start();
  // A second screen, already open: it follows without reloading.
  const other = await browser.newPage({ colorScheme: 'light' });
  await openAsOwner(other, server);
  await openAsOwner(page, server);
  await waitUntilReady(page);
  await waitUntilReady(other);
  const theme = (p: Page) => p.locator('html').getAttribute('data-theme');
  const background = (p: Page) =>
    p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(await theme(page)).toBe('system');
  // Playwright's pages prefer light: 'system' shows the light colours.
  expect(await background(page)).toBe('rgb(250, 246, 242)');

  const sheet = await openSettings(page);
  const s = sections(sheet);
  await s.theme.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(other.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background(page)).toBe('rgb(23, 18, 15)');
  expect(await background(other)).toBe('rgb(23, 18, 15)');
  expect(savedConfig(hearth.dataDir)).toMatchObject({ theme: 'dark' });

  const serious = async () => {
    const { violations } = await new AxeBuilder({ page }).include('[role="dialog"]').analyze();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  };
  expect(await serious()).toEqual([]);

  await page.reload();
  await waitUntilReady(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background(page)).toBe('rgb(23, 18, 15)');
  // The whole page in dark, though this browser prefers light.
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  const reopened = sections(await openSettings(page));
  await expect(reopened.theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await reopened.theme.getByRole('radio', { name: 'Light' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background(page)).toBe('rgb(250, 246, 242)');
  expect(await serious()).toEqual([]);
  await other.close();
});

test('a kiosk exit PIN is typed twice, stored only as a hash, and changed or removed only with it', async ({
  page,
  hearth,
}) => {
  await startAsOwner(page, hearth);
  const { pin } = sections(await openSettings(page));
  await expect(pin).toContainText('No PIN is set');
  await expect(pin).toContainText(
    'A long press on the Hearth logo, then this PIN, leaves kiosk mode.',
  );

  // The first PIN needs no other.
  await pin.getByRole('button', { name: 'Set a PIN' }).click();
  await expect(pin.getByLabel('Current PIN', { exact: true })).toHaveCount(0);
  const first = pin.getByLabel('New PIN', { exact: true });
  const second = pin.getByLabel('New PIN again');
  await expect(first).toHaveAttribute('inputmode', 'numeric');
  const save = pin.getByRole('button', { name: 'Save PIN' });
  await first.fill('2468');
  await expect(save).toBeDisabled();
  await second.fill('2469');
  await expect(pin).toContainText('The two PINs differ: type the same PIN twice.');
  await expect(save).toBeDisabled();
  await second.fill('2468');
  await expect(save).toBeEnabled();
  await save.click();
  await expect(pin.getByRole('status')).toHaveText('Saved.');
  await expect(pin).toContainText('A PIN is set.');

  const hash = savedConfig(hearth.dataDir).kioskPinHash;
  expect(hash).toMatch(/^scrypt\$/);
  expect(JSON.stringify(savedConfig(hearth.dataDir))).not.toContain('2468');

  // Changing it needs the current PIN; a wrong one is refused with main's reason.
  await pin.getByRole('button', { name: 'Change PIN' }).click();
  const current = pin.getByLabel('Current PIN', { exact: true });
  await expect(current).toHaveAttribute('autocomplete', 'current-password');
  expect((await current.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  await first.fill('5678');
  await second.fill('5678');
  await expect(save).toBeDisabled();
  await current.fill('1357');
  await save.click();
  await expect(pin.getByRole('alert')).toHaveText(
    'Not saved: That is not the current PIN: 4 tries left.',
  );
  await expect(current).toHaveValue('');
  expect(savedConfig(hearth.dataDir).kioskPinHash).toBe(hash);
  await current.fill('2468');
  await save.click();
  await expect(pin.getByRole('status')).toHaveText('Saved.');
  const changed = savedConfig(hearth.dataDir).kioskPinHash;
  expect(changed).toMatch(/^scrypt\$/);
  expect(changed).not.toBe(hash);

  // Removing it needs the current PIN too: the new one.
  await pin.getByRole('button', { name: 'Remove PIN' }).click();
  await expect(pin).toContainText(
    'Remove the PIN? Kiosk mode can then not be left from the screen.',
  );
  const remove = pin.getByRole('button', { name: 'Remove PIN' });
  await expect(remove).toBeDisabled();
  await pin.getByLabel('Current PIN', { exact: true }).fill('5678');
  await remove.click();
  await expect(pin).toContainText('No PIN is set');
  expect(savedConfig(hearth.dataDir).kioskPinHash).toBeUndefined();
});

test('a long press on the logo opens the PIN pad; here it says there is no kiosk to leave', async ({
  page,
  hearth,
}) => {
  await startAsOwner(page, hearth);
  const logo = page.getByRole('heading', { name: 'Hearth', level: 1 });
  const pad = page.getByRole('dialog', { name: 'Leave kiosk mode' });
  const box = await logo.boundingBox();
  if (!box) throw new Error('the logo is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // A tap, or a short hold, opens nothing.
  await page.mouse.down();
  await page.waitForTimeout(500);
  await page.mouse.up();
  await page.waitForTimeout(1500);
  await expect(pad).toHaveCount(0);

  await page.mouse.down();
  await page.waitForTimeout(1700);
  await page.mouse.up();
  await expect(pad).toBeVisible();

  const keypad = pad.getByRole('group', { name: 'PIN keypad' });
  const leave = pad.getByRole('button', { name: 'Leave kiosk' });
  await expect(leave).toBeDisabled();
  for (const digit of '2468')
    await keypad.getByRole('button', { name: digit, exact: true }).click();
  expect(
    (await keypad.getByRole('button', { name: '5', exact: true }).boundingBox())?.height,
  ).toBeGreaterThanOrEqual(44);
  await leave.click();
  await expect(pad.getByRole('status')).toHaveText(/^Not running as a kiosk/);
  await page.keyboard.press('Escape');
  await expect(pad).toHaveCount(0);
});

test("on the kiosk's touchscreen, Hearth's own keys type the PIN and the system prompt", async ({
  page,
  hearth,
}) => {
  // ?keyboard=on stands in for the kiosk, where window.hearth turns it on.
  await startAsOwner(page, hearth, { path: '/?keyboard=on' });
  const sheet = await openSettings(page);
  const { pin, prompt, promptBox, promptSave } = sections(sheet);

  await pin.getByRole('button', { name: 'Set a PIN' }).click();
  const first = pin.getByLabel('New PIN', { exact: true });
  await expect(first).toHaveAttribute('inputmode', 'none');
  const tap = async (keypad: string, digits: string) => {
    const keys = pin.getByRole('group', { name: keypad });
    for (const digit of digits)
      await keys.getByRole('button', { name: digit, exact: true }).click();
  };
  await tap('Keypad for the new PIN', '13579');
  await expect(first).toHaveValue('13579');
  await pin.getByLabel('New PIN again').click();
  await tap('Keypad for the PIN again', '13579');
  await pin.getByRole('button', { name: 'Save PIN' }).click();
  await expect(pin).toContainText('A PIN is set.');
  expect(savedConfig(hearth.dataDir).kioskPinHash).toMatch(/^scrypt\$/);

  // Removing it asks for the current PIN first, on its own keypad.
  await pin.getByRole('button', { name: 'Remove PIN' }).click();
  await tap('Keypad for the current PIN', '13579');
  await expect(pin.getByLabel('Current PIN', { exact: true })).toHaveValue('13579');
  const key = pin.getByRole('group', { name: 'Keypad for the current PIN' }).getByRole('button', {
    name: '5',
    exact: true,
  });
  expect((await key.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  await pin.getByRole('button', { name: 'Remove PIN' }).click();
  await expect(pin).toContainText('No PIN is set');
  expect(savedConfig(hearth.dataDir).kioskPinHash).toBeUndefined();

  await promptBox.click();
  await expect(promptBox).toHaveAttribute('inputmode', 'none');
  await prompt.getByRole('button', { name: 'Hide keyboard' }).waitFor();
  // Shift holds for one letter.
  for (const key of ['{space}', '{shift}', 'O', 'k']) {
    await prompt.locator(`[data-skbtn="${key}"]`).click();
  }
  await expect(promptBox).toHaveValue('You are Hearth, a helpful assistant. Answer briefly. Ok');
  await promptSave.click();
  await expect(prompt.getByRole('status')).toHaveText('Saved.');
  expect(savedConfig(hearth.dataDir).systemPrompt).toBe(
    'You are Hearth, a helpful assistant. Answer briefly. Ok',
  );
  await prompt.getByRole('button', { name: 'Hide keyboard' }).click();
  await expect(prompt.locator('[data-skbtn]')).toHaveCount(0);
});
