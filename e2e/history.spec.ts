// Several conversations: start a new one, reopen an old one from the history
// drawer, and delete one after confirming.
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { callApi, expect, openAsOwner, type OwnerEndpoint, test } from './fixtures';
import { sendPrompt, ui, waitForAnswer, waitUntilReady } from './ui';

const newest = (server: OwnerEndpoint) => async () => {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(server, 'openConversation', { id: latest.id })) as Conversation).messages;
};

test('new conversation, reopen the old one from history, delete after confirming', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  await sendPrompt(page, 'Tell me about foxes');
  await waitForAnswer(page, newest(server));
  await view.newConversation.click();
  await expect(view.prompts).toHaveCount(0);
  await sendPrompt(page, 'Tell me about bears');
  await waitForAnswer(page, newest(server));

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
  const left = (await callApi(server, 'listConversations')) as ConversationSummary[];
  expect(left.map((c) => c.title)).toEqual([expect.stringContaining('foxes')]);

  // Still gone after a restart: the delete reached the disk.
  const again = await hearth.restart();
  const after = (await callApi(again, 'listConversations')) as ConversationSummary[];
  expect(after).toHaveLength(1);
});

test('delete, then Undo: the conversation comes back to the list exactly as it was', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  await openAsOwner(page, server);
  await waitUntilReady(page);
  const view = ui(page);

  await sendPrompt(page, 'Tell me about owls');
  await waitForAnswer(page, newest(server));
  const [owls] = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const before = (await callApi(server, 'openConversation', { id: owls?.id })) as Conversation;
  await view.newConversation.click();
  await expect(view.prompts).toHaveCount(0);

  await view.history.click();
  const drawer = view.historyDrawer;
  const row = drawer.getByRole('button', { name: /^Tell me about owls/ });
  await drawer.getByRole('button', { name: 'Delete Tell me about owls' }).click();
  await drawer.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row).toHaveCount(0);
  const status = drawer.getByRole('status').filter({ hasText: 'Conversation deleted' });
  await expect(status).toBeVisible();

  await status.getByRole('button', { name: 'Undo' }).click();
  await expect(row).toBeVisible();
  await expect(status).toHaveCount(0);
  const after = (await callApi(server, 'openConversation', { id: owls?.id })) as Conversation;
  expect(after).toEqual(before);
});
