// A person converses with the fixture model in a browser, against a real
// `npm run serve` process: streaming, Stop, reload and restart.
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { baseEnv, callApi, expect, openAsOwner, type OwnerEndpoint, test } from './fixtures';
import { rawAnswer } from './rawModel';
import { sendPrompt, squash, textOf, ui, waitForAnswer, waitUntilReady } from './ui';

async function latestConversation(server: OwnerEndpoint): Promise<Conversation | undefined> {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return undefined;
  return (await callApi(server, 'openConversation', { id: latest.id })) as Conversation;
}

/** The newest conversation's messages as the server stored them, for waitForAnswer. */
const messagesOn = (server: OwnerEndpoint) => async () =>
  (await latestConversation(server))?.messages ?? [];

test('sends a prompt and shows the streamed answer node-llama-cpp itself gives', async ({
  page,
  hearth,
}) => {
  const settings = { HEARTH_MAX_TOKENS: '200' };
  const server = await hearth.start(settings);
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  // Record the answer's length at every DOM change, to see it grow in steps.
  await page.evaluate(() => {
    const lengths: number[] = [];
    (window as unknown as { answerLengths: number[] }).answerLengths = lengths;
    const log = document.querySelector('[role="log"]');
    if (!log) throw new Error('no conversation log');
    new MutationObserver(() => {
      const articles = log.querySelectorAll('article');
      const last = articles[articles.length - 1];
      if (last) lengths.push(last.textContent?.length ?? 0);
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });

  await sendPrompt(page, 'Tell me a story about a cat.');
  await expect(view.prompts.last()).toContainText('Tell me a story about a cat.');
  await expect(view.answers).toHaveCount(1);
  await waitForAnswer(page, messagesOn(server));

  const shown = await textOf(view.answers.last());
  expect(shown.length).toBeGreaterThan(0);
  const lengths = await page.evaluate(
    () => (window as unknown as { answerLengths: number[] }).answerLengths,
  );
  const distinct = new Set(lengths.filter((n) => n > 0));
  expect(distinct.size, 'the answer should appear in several steps, not at once').toBeGreaterThan(
    2,
  );

  // What the page shows is what the server produced and stored.
  const stored = await latestConversation(server);
  const answer = stored?.messages.at(-1);
  expect(answer).toMatchObject({ role: 'assistant', status: 'complete' });
  expect(shown).toContain(squash(answer?.text ?? '').slice(0, 200));
  // And it is exactly what node-llama-cpp answers with the same settings (temperature 0).
  const expected = await rawAnswer('Tell me a story about a cat.', {
    ...process.env,
    ...baseEnv(hearth.dataDir, hearth.port),
    ...settings,
  });
  expect(answer?.text).toBe(expected);
  expect(stored?.messages.at(-2)).toMatchObject({
    role: 'user',
    text: 'Tell me a story about a cat.',
  });
});

test('Stop ends the answer early and keeps the partial text', async ({ page, hearth }) => {
  // The fixture model rarely ends on its own, so a long limit keeps it writing until Stop.
  const server = await hearth.start({ HEARTH_MAX_TOKENS: '4096' });
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  await sendPrompt(page, 'Once upon a time');
  await expect(view.stop).toBeVisible();
  // Stop once the answer has really begun (not while it is still queued).
  await expect
    .poll(async () => (await messagesOn(server)()).at(-1)?.text.length ?? 0)
    .toBeGreaterThan(0);
  await view.stop.click();
  await waitForAnswer(page, messagesOn(server));

  const partial = await textOf(view.answers.last());
  expect(partial.length).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  expect(await textOf(view.answers.last()), 'nothing is added after Stop').toBe(partial);

  const stored = await latestConversation(server);
  const answer = stored?.messages.at(-1);
  expect(answer?.status).toBe('stopped');
  expect(answer?.text.length).toBeGreaterThan(0);
  expect(partial).toContain(squash(answer?.text ?? '').slice(0, 100));
});

test('reloading the page keeps the conversation', async ({ page, hearth }) => {
  const server = await hearth.start();
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);
  await sendPrompt(page, 'Where do owls live?');
  await waitForAnswer(page, messagesOn(server));
  const answer = await textOf(view.answers.last());

  await page.reload();
  await waitUntilReady(page);
  await expect(view.prompts.last()).toContainText('Where do owls live?');
  expect(await textOf(view.answers.last())).toBe(answer);
});

test('restarting the server keeps the conversation', async ({ page, hearth }) => {
  const first = await hearth.start();
  await openAsOwner(page, first);
  await waitUntilReady(page);
  const view = ui(page);
  await sendPrompt(page, 'What is a hearth?');
  await waitForAnswer(page, messagesOn(first));
  const answer = await textOf(view.answers.last());

  expect(await first.stop(), 'SIGTERM shuts the server down cleanly').toBe(0);
  const second = await hearth.restart();
  expect(second.url).toBe(first.url);
  // The owner cookie outlives the restart: the secret is read back from the data directory.
  await page.goto(second.url);
  await waitUntilReady(page);
  await expect(view.prompts.last()).toContainText('What is a hearth?');
  expect(await textOf(view.answers.last())).toBe(answer);

  // And the conversation carries on after the restart.
  await sendPrompt(page, 'Tell me more.');
  await waitForAnswer(page, messagesOn(second), 2);
  await expect(view.prompts).toHaveCount(2);
  await expect(view.answers).toHaveCount(2);
});
