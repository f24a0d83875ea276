// axe-core, a third-party accessibility engine, checks the UI as people meet it:
// on the Pi's 7" display and on a phone; empty, streaming an answer, with the
// history drawer open and while the board cools. No serious or critical finding.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinnedStoriesEntry } from '../src/testing/models/catalogEntries';
import { expect, openAsOwner, test, zoneFile } from './fixtures';
import { sendPrompt, ui, waitUntilReady } from './ui';

const screens = [
  { name: 'Pi 7-inch display', width: 800, height: 480 },
  { name: 'phone', width: 390, height: 844 },
];

/** The serious and critical violations on the page now, one line each with where they are. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

for (const screen of screens) {
  test(`axe finds nothing serious on the ${screen.name} (${screen.width}x${screen.height})`, async ({
    page,
    hearth,
  }) => {
    // No zone file yet: the gauge starts without a sensor, as on a machine that has none.
    const zone = zoneFile(hearth.scratch);
    const server = await hearth.start({
      HEARTH_THERMAL_ZONE: zone.path,
      HEARTH_THERMAL_POLL_MS: '200',
      // The fixture model rarely ends on its own: a long limit keeps it streaming until Stop.
      HEARTH_MAX_TOKENS: '32768',
    });
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await openAsOwner(page, server);
    await waitUntilReady(page);
    const view = ui(page);
    const check = async (state: string): Promise<void> => {
      const found = await seriousViolations(page);
      expect
        .soft(found, `serious or critical axe violations ${state}:\n${found.join('\n')}`)
        .toEqual([]);
    };

    await expect(view.temperature).toHaveAttribute('aria-valuetext', 'unavailable');
    await expect(view.conversation).toContainText('Ask Hearth anything.');
    await check('in the empty state, without a sensor');

    await sendPrompt(page, 'Tell me a long story about a dragon.');
    await expect(view.stop).toBeVisible();
    await expect(view.answers.last().locator('.markdown')).not.toBeEmpty();
    await check('while an answer streams');
    await expect(view.stop, 'the answer was still streaming when axe finished').toBeVisible();
    await view.stop.click();
    await expect(view.send).toBeVisible();

    await view.history.click();
    await expect(view.historyDrawer).toBeVisible();
    await check('with the history drawer open');
    await page.keyboard.press('Escape');
    await expect(view.historyDrawer).toHaveCount(0);

    zone.set(86.5);
    await expect(view.coolingAlert).toBeVisible();
    await expect(view.temperature).toHaveAttribute('aria-valuenow', '86.5');
    await check('with the Cooling alert shown');
  });
}

test('axe finds nothing serious on the first-run setup screen (800x480)', async ({
  page,
  hearth,
}) => {
  const catalogFile = join(hearth.scratch, 'catalog.json');
  const tooBig = { ...pinnedStoriesEntry(), id: 'huge', displayName: 'Huge', sizeBytes: 1e15 };
  const entries = [pinnedStoriesEntry(), { ...tooBig, file: 'huge.gguf' }];
  writeFileSync(catalogFile, JSON.stringify({ recommended: 'stories', entries }));
  // No model: the owner's screen is the setup screen. Nothing is downloaded here.
  const server = await hearth.start({ HEARTH_MODEL: '', HEARTH_CATALOG_FILE: catalogFile });
  await page.setViewportSize({ width: 800, height: 480 });
  await openAsOwner(page, server);
  await expect(page.getByRole('heading', { name: 'Choose a model' })).toBeVisible();
  // A model that does not fit shows its warning and, once tapped, the question.
  await page.getByRole('button', { name: 'Download Huge' }).click();
  await expect(page.getByRole('button', { name: 'Download anyway Huge' })).toBeFocused();
  // Keyboard users land back where they were when they say no.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Not now' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Download Huge' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Download anyway Huge' })).toBeFocused();
  await page.getByRole('button', { name: 'Use a file' }).click();
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeVisible();
  const found = await seriousViolations(page);
  expect(found, `serious or critical axe violations:\n${found.join('\n')}`).toEqual([]);
});
