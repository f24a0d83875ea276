// What the voice specs share: Chromium with a fake microphone playing a file,
// the voice controls by role and name, the page opened with its audio taps,
// and a spoken prompt that Hearth hears, ends by itself and shows as the
// person's message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Conversation, ConversationSummary, Message } from '../src/shared/api';
import { callApi, expect, openAsOwner, type OwnerEndpoint } from './fixtures';
import { ui, waitUntilReady } from './ui';
import { spyOnLink, tapPlayback } from './voiceAudio';

const chromium = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
export const baseArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

/**
 * The spoken prompt: words and a flite voice ("awb") that pocketsphinx gets
 * right whatever the phase and level Chromium's resampling gives them (tried
 * offline on ten shifts and gains; "slt" saying it lost "story" in one of three).
 */
export const PROMPT = {
  text: 'Please tell me a story about a dog and a cat.',
  voice: 'awb',
} as const;

/** A scratch folder for a spec's sound files, made as it loads (a browser reads its file at launch). */
export function soundFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-talk-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Chromium's fake microphone playing `file` in a loop, the permission granted. */
export const fakeMicrophone = (file: string) => ({
  permissions: ['microphone'],
  launchOptions: {
    executablePath: chromium,
    args: [
      ...baseArgs,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${file}`,
    ],
  },
});

async function latestConversation(server: OwnerEndpoint): Promise<Conversation | undefined> {
  const list = (await callApi(server, 'listConversations')) as ConversationSummary[];
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return undefined;
  return (await callApi(server, 'openConversation', { id: latest.id })) as Conversation;
}

/** The newest conversation's messages as the server stored them. */
export const messagesOn = (server: OwnerEndpoint) => async (): Promise<Message[]> =>
  (await latestConversation(server))?.messages ?? [];

export function voice(page: Page) {
  return {
    talk: page.getByRole('button', { name: 'Talk', exact: true }),
    status: page.getByRole('status', { name: 'Voice' }),
    stopSpeaking: page.getByRole('button', { name: 'Stop speaking' }),
    handsFree: page.getByRole('switch', { name: 'Hands-free' }),
  };
}

/** Opens the page as the owner with the audio taps in place, ready to talk. */
export async function readyToTalk(
  page: Page,
  server: { url: string; ownerUrl: string },
): Promise<void> {
  await tapPlayback(page);
  await spyOnLink(page);
  await openAsOwner(page, server);
  await waitUntilReady(page);
}

/**
 * Talk, and Hearth hears the prompt, ends the utterance by itself (no second
 * tap) and shows the words as the person's message.
 */
export async function talkAndBeHeard(page: Page): Promise<void> {
  const { talk, status } = voice(page);
  const view = ui(page);
  await talk.click();
  await expect(talk).toHaveAttribute('aria-pressed', 'true');
  await expect(status).toHaveText('Listening');
  await expect(talk).toHaveAttribute('aria-pressed', 'false', { timeout: 15_000 });
  await expect(view.prompts).toHaveCount(1, { timeout: 15_000 });
  const heard = (await view.prompts.first().textContent())?.toLowerCase() ?? '';
  expect(heard).toContain('story');
  expect(heard).toContain('dog');
}
