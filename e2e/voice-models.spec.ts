// Settings > Voice against a real `npm run serve`: a voice from a catalog
// (HEARTH_VOICE_CATALOG_FILE) is downloaded from a loopback server this spec
// starts, checked and installed; chosen, it fails to load (its files have the
// right names but are not a model) at its first use (the recognizer's Test),
// the Voice choice says why in one sentence,
// and a typed prompt still gets its answer.
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { piperEntry, piperItems, tarBz2 } from '../src/testing/voiceArchives';
import { callApi, expect, openAsOwner, type OwnerEndpoint, test } from './fixtures';
import { sendPrompt, ui, waitForAnswer, waitUntilReady } from './ui';

// A built-in id with this spec's own archive, address and pins: main checks a
// saved voiceVoice against the built-in ids (config.ts), not the catalog file's.
const ID = 'piper-amy-low';
const NAME = 'Test voice';

/** Serves `archive` at /voice.tar.bz2 on a loopback port; counts the requests. */
async function archiveServer(
  archive: Buffer,
): Promise<{ server: Server; url: string; hits(): number }> {
  let hits = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/voice.tar.bz2') {
      response.writeHead(404).end();
      return;
    }
    hits++;
    response.writeHead(200, {
      'content-type': 'application/x-bzip2',
      'content-length': String(archive.length),
    });
    response.end(archive);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/voice.tar.bz2`, hits: () => hits };
}

async function messages(server: OwnerEndpoint) {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(server, 'openConversation', { id: latest.id })) as Conversation).messages;
}

async function openVoiceSettings(page: Page) {
  await ui(page).history.click();
  await page.getByRole('button', { name: 'Settings' }).click();
  const sheet = page.getByRole('dialog', { name: 'Settings' });
  const voice = sheet.getByRole('region', { name: 'Voice', exact: true });
  await expect(voice).toBeVisible();
  return { sheet, voice };
}

let served: Server | undefined;
test.afterEach(async () => {
  await new Promise((resolve) => (served ? served.close(resolve) : resolve(undefined)));
  served = undefined;
});

test('downloads a voice from the catalog; chosen, it fails to load with a sentence and typing still works', async ({
  page,
  hearth,
}) => {
  const archive = tarBz2(piperItems(ID));
  const loopback = await archiveServer(archive);
  served = loopback.server;
  const catalogFile = join(hearth.scratch, 'voice-catalog.json');
  writeFileSync(
    catalogFile,
    JSON.stringify([piperEntry(ID, loopback.url, archive, { displayName: NAME })]),
  );

  const server = await hearth.start({ HEARTH_VOICE_CATALOG_FILE: catalogFile });
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const { sheet, voice } = await openVoiceSettings(page);

  const voices = voice.getByRole('list', { name: 'Voices' });
  await voices.getByRole('button', { name: new RegExp(`^Download ${NAME} \\(`) }).click();
  await expect(voices.getByRole('button', { name: `Remove ${NAME}` })).toBeVisible({
    timeout: 10_000,
  });
  await expect(voices.getByText('Installed', { exact: true })).toBeVisible();
  expect(loopback.hits()).toBeGreaterThanOrEqual(1);

  const choice = voice.getByRole('combobox', { name: 'Voice', exact: true });
  await choice.selectOption(ID);
  await expect(choice).toHaveValue(ID);
  // A model loads at its first use: the recognizer's Test speaks with the voice first.
  await voice.getByRole('button', { name: 'Test recognizer' }).click();
  await expect(voice.getByRole('alert').filter({ hasText: 'Recognizer test:' })).toContainText(
    `${NAME} could not be loaded`,
    { timeout: 10_000 },
  );
  // The in-use line (the select's description) gives main's sentence.
  await expect(choice).toHaveAccessibleDescription(new RegExp(`${NAME} could not be loaded`), {
    timeout: 10_000,
  });

  await sheet.getByRole('button', { name: 'Close' }).click();
  await sendPrompt(page, 'Tell me a story.');
  await waitForAnswer(page, () => messages(server));
  await expect(ui(page).answers.first()).not.toBeEmpty();
});
