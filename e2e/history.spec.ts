// Several conversations: start a new one, reopen an old one from the history
// drawer, and delete one after confirming.
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { callApi, expect, test } from './fixtures';
import { sendPrompt, ui, waitForAnswer, waitUntilReady } from './ui';

const newest = (baseUrl: string) => async () => {
  const list = (await callApi(baseUrl, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(baseUrl, 'openConversation', { id: latest.id })) as Conversation).messages;
};

test('new conversation, reopen the old one from history, delete after confirming', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  await page.goto(server.url);
  await waitUntilReady(page);
  const view = ui(page);

  await sendPrompt(page, 'Tell me about foxes');
  await waitForAnswer(page, newest(server.url));
  await view.newConversation.click();
  await expect(view.prompts).toHaveCount(0);
  await sendPrompt(page, 'Tell me about bears');
  await waitForAnswer(page, newest(server.url));

  await page.getByRole('button', { name: 'Conversations' }).click();
  const drawer = page.getByRole('dialog', { name: 'Conversations' });
  await expect(drawer.getByRole('button', { name: /^Tell me about foxes/ })).toBeVisible();
  await expect(drawer.getByRole('button', { name: /^Tell me about bears/ })).toBeVisible();
  await drawer.getByRole('button', { name: /^Tell me about foxes/ }).click();
  await expect(view.prompts).toHaveCount(1);
  await expect(view.prompts.first()).toContainText('Tell me about foxes');

  await page.getByRole('button', { name: 'Conversations' }).click();
  await drawer.getByRole('button', { name: 'Delete Tell me about bears' }).click();
  await drawer.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(drawer.getByRole('button', { name: /^Tell me about bears/ })).toHaveCount(0);
  const left = (await callApi(server.url, 'listConversations')) as ConversationSummary[];
  expect(left.map((c) => c.title)).toEqual([expect.stringContaining('foxes')]);

  // Still gone after a restart: the delete reached the disk.
  const again = await hearth.restart();
  const after = (await callApi(again.url, 'listConversations')) as ConversationSummary[];
  expect(after).toHaveLength(1);
});
