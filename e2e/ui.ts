// The UI as a user meets it, by role and accessible name.
import { expect, type Locator, type Page } from '@playwright/test';

export function ui(page: Page) {
  const conversation = page.getByRole('log', { name: 'Conversation' });
  return {
    message: page.getByRole('textbox', { name: 'Message' }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    stop: page.getByRole('button', { name: 'Stop', exact: true }),
    newConversation: page.getByRole('button', { name: 'New conversation' }),
    connection: page.getByRole('status', { name: 'Connection' }),
    temperature: page.getByRole('meter', { name: 'CPU temperature' }),
    conversation,
    prompts: conversation.getByRole('article', { name: 'You', exact: true }),
    answers: conversation.getByRole('article', { name: 'Hearth', exact: true }),
    history: page.getByRole('button', { name: 'Conversations' }),
    historyDrawer: page.getByRole('dialog', { name: 'Conversations' }),
    coolingAlert: page.getByRole('alert').filter({ hasText: 'Cooling' }),
  };
}

/** Waits until the page is connected and the model can take a prompt. */
export async function waitUntilReady(page: Page): Promise<void> {
  const { connection, message } = ui(page);
  await expect(connection).toContainText('Connected');
  await expect(message).toBeEditable();
}

/** Types a prompt and presses Send; the on-screen keyboard writes to the same textbox. */
export async function sendPrompt(page: Page, text: string): Promise<void> {
  const { message, send } = ui(page);
  await message.fill(text);
  await expect(send).toBeEnabled({ timeout: 60_000 });
  await send.click();
}

export type StoredMessage = { role: string; status: string; text: string };

/**
 * Waits for answer number `answer` (1-based) of the open conversation to finish:
 * first the server says so (the UI alone cannot tell a not-yet-started answer
 * from a finished one), then Stop gives way to Send and the page shows the
 * stored text. `messages` reads the newest conversation's messages from the server.
 */
export async function waitForAnswer(
  page: Page,
  messages: () => Promise<StoredMessage[]>,
  answer = 1,
): Promise<void> {
  const { stop, send, answers } = ui(page);
  const nth = async () => (await messages()).filter((m) => m.role === 'assistant')[answer - 1];
  await expect
    .poll(async () => (await nth())?.status ?? 'absent', { timeout: 60_000 })
    .toMatch(/^(complete|stopped|error|interrupted)$/);
  await expect(stop).toHaveCount(0);
  await expect(send).toBeVisible();
  const text = squash((await nth())?.text ?? '');
  await expect(answers.nth(answer - 1)).toContainText(text.slice(0, 60));
}

/** Text with whitespace runs collapsed, for comparing rendered markdown with raw text. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export async function textOf(locator: Locator): Promise<string> {
  return squash((await locator.textContent()) ?? '');
}
