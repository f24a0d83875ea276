// A prompt refused because the disk is full leaves no trace: not in the
// conversation, and not as a claim on it or on its client's share, so the same
// conversation takes the next prompt once space is back. No root needed: the
// store writes through a file system that fails with ENOSPC on request.
import { describe, expect, it } from 'vitest';
import type { HearthEvent, Message } from '../../shared/api';
import { Emitter } from '../../shared/emitter';
import { InferenceEngine } from '../inference/engine';
import { cleanupsAfterEach, conversationFolder } from '../../testing/conversationStores';
import { fillableFileSystem } from '../../testing/fillableFileSystem';
import { engineConfig } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { eventually } from '../../testing/savedConversation';
import { AnswerBook } from './answerBook';
import { sendPrompt, type PromptFlowDeps } from './promptFlow';

const cleanups = cleanupsAfterEach();
const KIOSK = 'session:kiosk';

async function setup() {
  const disk = fillableFileSystem();
  const folder = conversationFolder(cleanups, { store: { fs: disk.fs } });
  const store = folder.open();
  await store.load();
  const logger = createMemoryLogger();
  const engine = new InferenceEngine({
    config: engineConfig({ dataDir: folder.dir }),
    logger,
    baseThreads: 1,
  });
  cleanups.push(() => engine.dispose());
  expect(await engine.start()).toMatchObject({ state: 'ready' });
  const events = new Emitter<HearthEvent>((error) => {
    throw error;
  });
  const heard: HearthEvent[] = [];
  cleanups.push(events.subscribe((event) => heard.push(event)));
  const answers = new AnswerBook();
  const deps: PromptFlowDeps = { engine, store, events, logger, answers, tokenBatchMs: 30 };
  /** The answer's message once it has ended (complete, error, interrupted). */
  const ended = async (messageId: string): Promise<Message> => {
    const last = (): Message | undefined =>
      heard
        .flatMap((e) => (e.type === 'message' && e.message.id === messageId ? [e.message] : []))
        .findLast((m) => m.status !== 'queued' && m.status !== 'streaming');
    await eventually(() => last() !== undefined, `answer ${messageId} ended`);
    return last() as Message;
  };
  return { disk, folder, store, deps, answers, ended };
}

describe('sendPrompt on a full disk', () => {
  it('refuses the prompt saying the disk is full, and the same conversation answers the next one once space returns', async () => {
    const { disk, folder, store, deps, answers, ended } = await setup();
    const { id } = await store.create();

    disk.fill();
    await expect(sendPrompt(deps, id, 'Once upon a time', KIOSK)).rejects.toMatchObject({
      code: 'storage_full',
      message: 'Hearth could not save the conversation: the disk is full',
    });
    // Nothing of the refused prompt is left: no messages, no answer booked.
    expect(store.get(id)?.messages).toEqual([]);
    expect(answers.inConversation(id)).toBeUndefined();
    expect(answers.waitingFor(KIOSK)).toBe(0);

    disk.free();
    const sent = await sendPrompt(deps, id, 'Once upon a time', KIOSK);
    const answer = await ended(sent.assistantMessageId);
    expect(answer.status).toBe('complete');
    expect(answer.text.length).toBeGreaterThan(0);
    await eventually(() => answers.count === 0, 'the answer released its conversation');

    // Saved: a restart reads the prompt and its answer.
    await store.dispose();
    const after = folder.open();
    await after.load();
    expect(after.get(id)?.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });
});
