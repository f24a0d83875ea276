// Freeing the SD card from Settings in Chromium against a real `npm run serve`,
// at the Pi screen's 800x480: an installed model and an unfinished download are
// removed after a question that says how much space comes back; Cancel keeps
// them; the model in use offers no Remove.
import type { Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, fixtureModel, openAsOwner, test } from './fixtures';
import { ui, waitUntilReady } from './ui';

test.use({ viewport: { width: 800, height: 480 } });

async function openModelSection(page: Page) {
  await ui(page).history.click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const sheet = page.getByRole('dialog', { name: 'Settings' });
  return sheet.getByRole('region', { name: 'Model' });
}

test('removes an installed model and an unfinished download, each after a question', async ({
  page,
  hearth,
}) => {
  const models = join(hearth.dataDir, 'models');
  mkdirSync(models, { recursive: true });
  copyFileSync(fixtureModel, join(models, 'a.gguf'));
  copyFileSync(fixtureModel, join(models, 'b.gguf'));
  writeFileSync(join(models, 'half.gguf.part'), Buffer.alloc(300_000));
  writeFileSync(
    join(models, 'half.gguf.part.json'),
    JSON.stringify({ url: 'https://example.com/half.gguf', total: 1_000_000, validator: null }),
  );
  // The model in use is the fixture outside the models folder (HEARTH_MODEL).
  const server = await hearth.start();
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const section = await openModelSection(page);
  const installed = section.getByRole('list', { name: 'Installed models' });
  await expect(installed).toContainText('a.gguf');
  await expect(installed).toContainText('b.gguf');

  // Cancel keeps the model.
  await installed.getByRole('button', { name: 'Remove b.gguf' }).click();
  await expect(installed).toContainText('Remove b.gguf? It frees 1.2 MB.');
  await installed.getByRole('button', { name: 'Cancel' }).click();
  await expect(installed.getByRole('button', { name: 'Remove b.gguf' })).toBeVisible();

  const remove = installed.getByRole('button', { name: 'Remove a.gguf' });
  await remove.scrollIntoViewIfNeeded();
  expect((await remove.boundingBox())?.height).toBeGreaterThanOrEqual(44);
  await remove.click();
  await expect(installed).toContainText('Remove a.gguf? It frees 1.2 MB.');
  await installed.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(installed).not.toContainText('a.gguf');
  await expect(installed).toContainText('b.gguf');
  expect(existsSync(join(models, 'a.gguf'))).toBe(false);

  const unfinished = section.getByRole('list', { name: 'Unfinished downloads' });
  await expect(unfinished).toContainText('300 kB of 1.0 MB downloaded');
  await unfinished
    .getByRole('button', { name: 'Remove the unfinished download of half.gguf' })
    .click();
  await expect(unfinished).toContainText(
    'Remove the unfinished download of half.gguf? It frees 300 kB.',
  );
  await unfinished.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(section.getByRole('heading', { name: 'Unfinished downloads' })).toHaveCount(0);
  expect(readdirSync(models)).toEqual(['b.gguf']);

  // Switched to b.gguf, it is in use: no Remove for it.
  await installed.getByRole('button', { name: 'Use b.gguf' }).click();
  await expect(installed.getByText('In use')).toBeVisible({ timeout: 60_000 });
  await expect(installed.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  expect(readdirSync(models)).toEqual(['b.gguf']);
});
