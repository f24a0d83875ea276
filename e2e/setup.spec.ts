// First run in a browser against a real `npm run serve` with no model: the
// setup screen offers a catalog whose one model is served by a hub on
// loopback; the owner downloads it, watches the progress, and converses. A
// download that fails or is cancelled says so in one sentence and leaves no
// model; "Use a file" loads a .gguf put into Hearth's models folder.
import type { Page } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { pinnedStoriesEntry } from '../src/testing/models/catalogEntries';
import {
  startModelServer,
  type Behaviour,
  type ModelServer,
} from '../src/testing/models/modelServer';
import {
  callApi,
  expect,
  fixtureModel,
  type HearthFixture,
  openAsOwner,
  type OwnerEndpoint,
  test,
} from './fixtures';
import { sendPrompt, ui, waitForAnswer, waitUntilReady } from './ui';

/** The fixture is 1.2 MB: 16 kB every 40 ms makes its download take about three seconds. */
const SLOW: Partial<Behaviour> = { chunkBytes: 16 * 1024, tickMs: 40 };

/** Starts a model server and a Hearth with no model whose catalog is the fixture on that server. */
async function startWithoutModel(hearth: HearthFixture, behaviour: Partial<Behaviour>) {
  const hub = await startModelServer(behaviour);
  const catalogFile = join(hearth.scratch, 'catalog.json');
  writeFileSync(
    catalogFile,
    JSON.stringify({ recommended: 'stories', entries: [pinnedStoriesEntry()] }),
  );
  const server = await hearth.start({
    // Empty counts as unset: no model is configured and the models folder is empty.
    HEARTH_MODEL: '',
    HEARTH_CATALOG_FILE: catalogFile,
    HF_ENDPOINT: `${hub.origin}/`,
  });
  return { hub, server };
}

function setup(page: Page) {
  return {
    heading: page.getByRole('heading', { name: 'Choose a model' }),
    download: page.getByRole('button', { name: 'Download Stories 260K' }),
    resume: page.getByRole('button', { name: /^Continue download of Stories 260K/ }),
    progress: page.getByRole('progressbar', { name: 'Download progress' }),
    cancel: page.getByRole('button', { name: 'Cancel download' }),
    tryAgain: page.getByRole('button', { name: 'Try again' }),
    failure: page.getByRole('alert').filter({ hasText: 'Stories 260K' }),
    useFile: page.getByRole('button', { name: 'Use a file' }),
    refresh: page.getByRole('button', { name: 'Refresh' }),
  };
}

async function modelState(baseUrl: string, page: Page): Promise<string> {
  const report = (await (await page.request.get(`${baseUrl}/healthz`)).json()) as {
    model: { state: string };
  };
  return report.model.state;
}

/** The newest conversation's messages as the server stored them, for waitForAnswer. */
const messagesOn = (server: OwnerEndpoint) => async () => {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(server, 'openConversation', { id: latest.id })) as Conversation).messages;
};

/** Records every value the download bar takes, so a quick download's middle is not missed. */
async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const values: number[] = [];
    (window as unknown as { progressValues: number[] }).progressValues = values;
    const note = () => {
      const bar = document.querySelector('[role="progressbar"][aria-label="Download progress"]');
      const now = bar?.getAttribute('aria-valuenow');
      if (now != null) values.push(Number(now));
    };
    new MutationObserver(note).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues);
}

let hub: ModelServer | undefined;
test.afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

test('downloads the catalog model with visible progress, then converses with it', async ({
  page,
  hearth,
}) => {
  const started = await startWithoutModel(hearth, SLOW);
  hub = started.hub;
  const { server } = started;
  await openAsOwner(page, server);
  const view = setup(page);

  await expect(view.heading).toBeVisible();
  const card = page.getByRole('listitem').filter({ hasText: 'Stories 260K' });
  await expect(card).toContainText('Recommended');
  await expect(card).toContainText('1.2 MB');
  await expect(card).toContainText('Speed on a Pi 5');
  await expect(card).toContainText('MIT');
  await expect(ui(page).message, 'no conversation while there is no model').toHaveCount(0);

  const progressValues = await recordProgress(page);
  await view.download.click();
  await expect(view.progress).toBeVisible();
  await expect(page.getByText(/of 1\.2 MB/)).toBeVisible();

  // The conversation replaces the setup screen once the model loads.
  await waitUntilReady(page);
  await expect(view.heading).toHaveCount(0);
  const values = await progressValues();
  expect(
    values.some((value) => value > 0 && value < 100),
    `the bar showed a value between 0 and 100 (saw ${values.join(', ')})`,
  ).toBe(true);
  await expect.poll(() => modelState(server.url, page)).toBe('ready');

  await sendPrompt(page, 'Tell me a story about a cat.');
  await waitForAnswer(page, messagesOn(server));
  await expect(ui(page).answers.first()).not.toBeEmpty();
  expect(readdirSync(join(hearth.dataDir, 'models'))).toContain('stories260K.gguf');
});

test('a download that fails says why in one sentence, and Try again asks again', async ({
  page,
  hearth,
}) => {
  // The server goes away for good a quarter of the way in.
  const started = await startWithoutModel(hearth, { ...SLOW, goneAfterBytes: 300_000 });
  hub = started.hub;
  const { server } = started;
  await openAsOwner(page, server);
  const view = setup(page);
  await view.download.click();

  await expect(view.failure).toHaveText(/^Could not download Stories 260K: .+\.$/);
  await expect(view.failure, 'one sentence').not.toHaveText(/\.\s+[A-Z]/);
  await expect(view.progress).toHaveCount(0);
  // The catalog is back, with the part already downloaded to continue from.
  await expect(view.resume).toBeVisible();
  expect(await modelState(server.url, page)).toBe('none');
  const models = readdirSync(join(hearth.dataDir, 'models'));
  expect(
    models.filter((name) => name.endsWith('.gguf')),
    'no half file named as a model',
  ).toEqual([]);

  const attempts = () =>
    server.logs().filter((line) => line.event_type === 'model_download_started').length;
  expect(attempts()).toBe(1);
  await view.tryAgain.click();
  await expect.poll(attempts).toBe(2);
  await expect(view.failure).toHaveText(/could not be reached \(no internet\?\)\.$/);
  expect(await modelState(server.url, page)).toBe('none');
});

test('Cancel stops the download, leaves no model, and Continue picks up where it stopped', async ({
  page,
  hearth,
}) => {
  const started = await startWithoutModel(hearth, { ...SLOW, stallAfterBytes: 300_000 });
  hub = started.hub;
  const { server } = started;
  await openAsOwner(page, server);
  const view = setup(page);
  await view.download.click();
  await expect(page.getByText(/^\d+ kB of 1\.2 MB/)).toBeVisible();

  await view.cancel.click();
  await expect(view.failure).toHaveText(/^Cancelled the download of Stories 260K/);
  await expect(view.resume).toHaveText(/\(\d+ kB of 1\.2 MB\)$/);
  expect(await modelState(server.url, page)).toBe('none');

  hub.set({ stallAfterBytes: null });
  await view.resume.click();
  await waitUntilReady(page);
  const resumed = hub.requests.at(-1);
  expect(resumed?.range, 'the second request asks only for the rest').toMatch(/^bytes=[1-9]\d*-$/);
});

test('Use a file loads a .gguf copied into the models folder', async ({ page, hearth }) => {
  const started = await startWithoutModel(hearth, SLOW);
  hub = started.hub;
  const { server } = started;
  await openAsOwner(page, server);
  const view = setup(page);

  await view.useFile.click();
  await expect(view.useFile).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText(/Copy a \.gguf file into Hearth's models folder/)).toBeVisible();

  mkdirSync(join(hearth.dataDir, 'models'), { recursive: true });
  copyFileSync(fixtureModel, join(hearth.dataDir, 'models', 'mine.gguf'));
  await view.refresh.click();
  const files = page.getByRole('list', { name: 'Model files' });
  await expect(files).toContainText('mine.gguf');
  await expect(files).toContainText('Models folder');

  await files.getByRole('button', { name: 'Use mine.gguf' }).click();
  await waitUntilReady(page);
  await expect.poll(() => modelState(server.url, page)).toBe('ready');
  expect(hub.requests, 'nothing was downloaded').toEqual([]);
});
