// Several conversations: start a new one, reopen an old one from the history
// drawer, and delete one after confirming.
import type { Page } from '@playwright/test';
import type { Conversation, ConversationSummary } from '../src/shared/api';
import { callApi, expect, type OwnerEndpoint, startAsOwner, test } from './fixtures';
import { sendPrompt, ui, waitForAnswer } from './ui';

const newest = (server: OwnerEndpoint) => async () => {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return [];
  return ((await callApi(server, 'openConversation', { id: latest.id })) as Conversation).messages;
};

/** Sends a prompt in the open conversation and waits until its answer is stored and shown. */
async function ask(page: Page, server: OwnerEndpoint, prompt: string): Promise<void> {
  await sendPrompt(page, prompt);
  await waitForAnswer(page, newest(server));
}

test('new conversation, reopen the old one from history, delete after confirming', async ({
  page,
  hearth,
}) => {
  const server = await startAsOwner(page, hearth);
  const view = ui(page);

  await ask(page, server, 'Tell me about foxes');
  await view.newConversation.click();
  await expect(view.prompts).toHaveCount(0);
  await ask(page, server, 'Tell me about bears');

  await view.history.click();
  const drawer = view.historyDrawer;
  await expect(drawer.getByRole('button', { name: /^Tell me about foxes/ })).toBeVisible();
  await expect(drawer.getByRole('button', { name: /^Tell me about bears/ })).toBeVisible();
  await drawer.getByRole('button', { name: /^Tell me about foxes/ }).click();
  await expect(view.prompts).toHaveCount(1);
  await expect(view.prompts.first()).toContainText('Tell me about foxes');

  await view.history.click();
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
  const server = await startAsOwner(page, hearth);
  const view = ui(page);

  await ask(page, server, 'Tell me about owls');
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
