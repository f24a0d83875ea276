// A model file that is not a GGUF model gives a clear error in the UI and the
// log, and the server stays up; the owner is taken to the setup screen to pick
// another model, with the error on top.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openAsOwner, test } from './fixtures';
import { ui } from './ui';

test('a bad model path shows the error in the UI and the server stays up', async ({
  page,
  request,
  hearth,
}) => {
  const bogus = join(hearth.scratch, 'not-a-model.gguf');
  writeFileSync(bogus, 'this is a text file, not a GGUF model\n'.repeat(100));
  const server = await hearth.start({ HEARTH_MODEL: bogus });

  await openAsOwner(page, server);
  await expect(ui(page).connection).toContainText('Connected');
  const alert = page.getByRole('alert').filter({ hasText: /model/i });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toContainText('The model could not be loaded.');
  await expect(alert).toContainText('Not a GGUF model file');
  await expect(page.getByRole('heading', { name: 'Choose a model' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  const health = await request.get(`${server.url}/healthz`);
  const report = (await health.json()) as { model: { state: string; error?: string } };
  expect(report.model.state).toBe('error');
  expect(report.model.error).toBeTruthy();
  expect(server.running).toBe(true);

  const logged = server
    .logs()
    .filter((line) => ['ERROR', 'FATAL'].includes(line.level ?? ''))
    .filter((line) => /model/i.test(JSON.stringify(line)));
  expect(logged.length, 'the failure is in the structured log').toBeGreaterThan(0);
});

test('a model configured by a plain http address elsewhere is refused in one sentence, downloading nothing', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start({ HEARTH_MODEL: 'http://example.com/models/m.gguf' });
  await openAsOwner(page, server);
  const alert = page.getByRole('alert').filter({ hasText: /model/i });
  await expect(alert).toHaveText(
    'The model could not be loaded. Could not download http://example.com/models/m.gguf: only https addresses are allowed (plain http only to this computer).',
    { timeout: 30_000 },
  );
  await expect(page.getByRole('heading', { name: 'Choose a model' })).toBeVisible();
  const models = join(hearth.dataDir, 'models');
  expect(existsSync(models) ? readdirSync(models) : []).toEqual([]);
});
