// "Check cooling" on the simulated bare board: the check loads every core with
// worker threads, draws the temperature live, stops on request, reports, and
// saves its samples as CSV.
import { readFileSync } from 'node:fs';
import { expect, openAsOwner, test } from './fixtures';
import { waitUntilReady } from './ui';

test('Check cooling runs, stops on request, reports and saves a CSV', async ({ page, hearth }) => {
  const server = await hearth.start({ HEARTH_THERMAL_SIMULATE: 'bare' });
  await openAsOwner(page, server);
  await waitUntilReady(page);

  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.getByRole('button', { name: 'Check cooling' }).click();
  const panel = page.getByRole('dialog', { name: 'Check cooling' });
  const state = panel.getByRole('status', { name: 'Cooling check' });
  await panel.getByRole('button', { name: 'Start check' }).click();
  await expect(state).toContainText(/ of /);
  // Samples arrive each second while every core is loaded.
  await expect(state).toContainText(/\b3 ?s of/, { timeout: 15_000 });

  await panel.getByRole('button', { name: 'Stop check' }).click();
  await expect(state).toContainText('Stopped.');
  await expect(panel.getByText('Peak', { exact: true })).toBeVisible();
  await expect(panel.getByText('Verdict', { exact: true })).toBeVisible();
  const health = (await (await page.request.get(`${server.url}/healthz`)).json()) as {
    thermal: { source: string };
  };
  expect(health.thermal.source).toBe('simulated');

  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Save CSV' }).click();
  const csv = readFileSync((await (await download).path()) ?? '', 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('time,elapsed_s,temperature_c');
  expect(csv.length).toBeGreaterThan(3);
  for (const row of csv.slice(1))
    expect(row).toMatch(/^\d{4}-\d\d-\d\dT\S+Z,\d+(\.\d+)?,\d+(\.\d+)?$/);
});
