// Conversations that leave their session slot, or outlive Hearth itself, come
// back through their saved state: the same answer as if they had stayed, with
// only the new turn evaluated. Real model, real files.
import { cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LlamaContextSequence } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../../../testing/loggers';
import {
  engineConfig,
  FIXTURE_CHATML_MODEL,
  manualThrottle,
  tempDir,
  type TestEngineConfig,
} from '../../../testing/inferenceFixtures';
import { engineDiagnostics } from '../../../testing/engineDiagnostics';
import type { InferenceThrottle } from '../../contracts/throttle';
import { InferenceEngine, type ChatTurn } from '../engine';
import { ConversationStateCache } from './stateCache';

const owned: { dispose(): unknown }[] = [];
afterEach(async () => {
  for (const item of owned.splice(0).reverse()) await item.dispose();
  vi.restoreAllMocks();
});

function dataDir(): string {
  const dir = tempDir('hearth-reopen-');
  owned.push({ dispose: () => dir.remove() });
  return dir.path;
}

interface Started {
  engine: InferenceEngine;
  cache: ConversationStateCache;
  logger: ReturnType<typeof createMemoryLogger>;
}

async function start(
  dir: string,
  overrides: Partial<TestEngineConfig> = {},
  throttle?: InferenceThrottle,
): Promise<Started> {
  const config = engineConfig({ maxTokens: 24, ...overrides });
  const logger = createMemoryLogger();
  const cache = await ConversationStateCache.open({
    dir: join(dir, 'state-cache'),
    budgetBytes: 50_000_000,
    logger,
  });
  const engine = new InferenceEngine({
    config,
    logger,
    baseThreads: 1,
    stateCache: cache,
    throttle,
  });
  owned.push(engine);
  expect(await engine.start()).toMatchObject({ state: 'ready' });
  return { engine, cache, logger };
}

/** Asks in a conversation whose stored turns are `turns`; the answer joins them. */
async function ask(
  engine: InferenceEngine,
  conversationId: string,
  turns: ChatTurn[],
  prompt: string,
): Promise<{ text: string; evaluated: number }> {
  const before = [...turns];
  const result = await engine.generate({
    clientId: 'kiosk',
    conversationId,
    messageId: `${conversationId}-${turns.length}`,
    prompt,
    history: () => before,
  });
  turns.push({ role: 'user', text: prompt }, { role: 'assistant', text: result.text });
  const session = engineDiagnostics(engine).sessions.find(
    (s) => s.conversationId === conversationId,
  );
  return { text: result.text, evaluated: session?.lastPrompt?.evaluatedBeforeFirstToken ?? -1 };
}

const OPENING = ['Tell me a story about a dog.', 'What did the dog find?', 'Where did it go?'];
const FOLLOW_UP = 'What happened at the end?';

/** A conversation a few turns deep, then its follow-up while it still holds its slot. */
async function stayedInSlot(
  dir: string,
): Promise<{ turns: ChatTurn[]; answer: string; evaluated: number }> {
  const { engine } = await start(dir);
  const turns: ChatTurn[] = [];
  for (const prompt of OPENING) await ask(engine, 'x', turns, prompt);
  const base = [...turns];
  const { text, evaluated } = await ask(engine, 'x', turns, FOLLOW_UP);
  await engine.dispose();
  return { turns: base, answer: text, evaluated };
}

/** Two other conversations take both slots, so 'x' leaves its own. */
async function crowdOut(engine: InferenceEngine): Promise<void> {
  await ask(engine, 'y', [], 'Once upon a time');
  await ask(engine, 'z', [], 'A cat sat on a mat.');
  expect(engineDiagnostics(engine).sessions.map((s) => s.conversationId)).not.toContain('x');
}

const stateFiles = (dir: string): string[] =>
  readdirSync(join(dir, 'state-cache')).filter((name) => name.endsWith('.state'));

describe('a conversation that leaves its slot', () => {
  let reference: Awaited<ReturnType<typeof stayedInSlot>>;
  beforeAll(async () => {
    reference = await stayedInSlot(dataDir());
  });

  it('comes back through its saved state: the same answer as if it had stayed, only the new turn evaluated', async () => {
    const dir = dataDir();
    const { engine } = await start(dir);
    const turns: ChatTurn[] = [];
    for (const prompt of OPENING) await ask(engine, 'x', turns, prompt);
    expect(turns).toEqual(reference.turns);
    await crowdOut(engine);
    const reopened = await ask(engine, 'x', turns, FOLLOW_UP);
    expect(reopened.text).toBe(reference.answer);
    expect(reopened.evaluated).toBe(reference.evaluated);
  });

  it('comes back after a real restart, loaded in the background before its first question', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const turns: ChatTurn[] = [];
    for (const prompt of OPENING) await ask(first.engine, 'x', turns, prompt);
    // Not idle long enough to be saved: only the orderly shutdown saves it.
    expect(stateFiles(dir)).toEqual([]);
    await first.engine.dispose();
    expect(stateFiles(dir)).toHaveLength(1);

    const second = await start(dir);
    const load = vi.spyOn(LlamaContextSequence.prototype, 'loadStateFromFile');
    expect(await second.engine.preload('x', () => turns)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    const { sessions } = engineDiagnostics(second.engine);
    expect(sessions.map((s) => s.conversationId)).toContain('x');
    const reopened = await ask(second.engine, 'x', turns, FOLLOW_UP);
    expect(reopened).toEqual({ text: reference.answer, evaluated: reference.evaluated });
  });

  it('is evaluated again from its history when there is no cache', async () => {
    const config = engineConfig({ maxTokens: 24 });
    const engine = new InferenceEngine({ config, logger: createMemoryLogger(), baseThreads: 1 });
    owned.push(engine);
    await engine.start();
    const turns: ChatTurn[] = [];
    for (const prompt of OPENING) await ask(engine, 'x', turns, prompt);
    await crowdOut(engine);
    const reopened = await ask(engine, 'x', turns, FOLLOW_UP);
    // The whole history, not only the new turn: what the cache saves.
    expect(reopened.evaluated).toBeGreaterThan(reference.evaluated * 4);
  });

  it('is saved once it has been idle a while, not after each answer', async () => {
    const dir = dataDir();
    const config = engineConfig({ maxTokens: 24 });
    const cache = await ConversationStateCache.open({
      dir: join(dir, 'state-cache'),
      budgetBytes: 50_000_000,
      logger: createMemoryLogger(),
    });
    const engine = new InferenceEngine({
      config,
      logger: createMemoryLogger(),
      baseThreads: 1,
      stateCache: cache,
      stateIdleSaveMs: 300,
    });
    owned.push(engine);
    await engine.start();
    const turns: ChatTurn[] = [];
    await ask(engine, 'x', turns, OPENING[0] ?? '');
    await ask(engine, 'x', turns, OPENING[1] ?? '');
    expect(stateFiles(dir)).toEqual([]);
    await expect.poll(() => stateFiles(dir).length, { timeout: 5000 }).toBe(1);
    expect(cache.conversations()).toEqual(['x']);
  });

  it('reopens as fast under Cooling: loading a state evaluates nothing', async () => {
    const throttle = manualThrottle();
    const dir = dataDir();
    const { engine } = await start(dir, {}, throttle);
    const turns: ChatTurn[] = [];
    for (const prompt of OPENING) await ask(engine, 'x', turns, prompt);
    await crowdOut(engine);
    throttle.set({ cap: 1, delayMs: 20 });
    const reopened = await ask(engine, 'x', turns, FOLLOW_UP);
    expect(reopened.evaluated).toBe(reference.evaluated);
  });

  it('comes back from its state when its oldest turns were trimmed to fit the context', async () => {
    const small = { contextSize: 512, maxTokens: 48 };
    const prompts = Array.from({ length: 12 }, (_, i) => `Tell me more about the dog, part ${i}.`);
    const stayed = await start(dataDir(), small);
    const kept: ChatTurn[] = [];
    for (const prompt of prompts) await ask(stayed.engine, 'x', kept, prompt);
    const dropped = engineDiagnostics(stayed.engine).sessions[0]?.lastPrompt?.droppedExchanges ?? 0;
    const inSlot = await ask(stayed.engine, 'x', [...kept], FOLLOW_UP);
    await stayed.engine.dispose();

    const { engine, logger } = await start(dataDir(), small);
    const turns: ChatTurn[] = [];
    for (const prompt of prompts) await ask(engine, 'x', turns, prompt);
    await crowdOut(engine);
    const reopened = await ask(engine, 'x', turns, FOLLOW_UP);
    expect(dropped).toBeGreaterThan(0);
    expect(logger.entries.filter((e) => e.eventType === 'state_refused')).toEqual([]);
    expect(reopened).toEqual(inSlot);
  });

  it('loses its state when it is deleted', async () => {
    const dir = dataDir();
    const { engine, cache } = await start(dir);
    const turns: ChatTurn[] = [];
    await ask(engine, 'x', turns, OPENING[0] ?? '');
    await crowdOut(engine);
    await cache.settled();
    expect(cache.conversations()).toContain('x');
    engine.forgetConversation('x');
    await cache.settled();
    expect(cache.conversations()).not.toContain('x');
    expect(stateFiles(dir)).toHaveLength(0);
  });
});

describe('a saved state that does not belong', () => {
  // 'x' is saved once, by an orderly shutdown of an engine with the default
  // settings; each test gets its own copy of that cache folder to refuse.
  const master = tempDir('hearth-saved-');
  const masterTurns: ChatTurn[] = [];
  const copyInto = (dir: string): void =>
    cpSync(join(master.path, 'state-cache'), join(dir, 'state-cache'), { recursive: true });

  beforeAll(async () => {
    const { engine } = await start(master.path);
    await ask(engine, 'x', masterTurns, OPENING[0] ?? '');
    await engine.dispose();
    expect(stateFiles(master.path)).toHaveLength(1);
    // A copy as the tests get it is a good state: what they see refused is
    // refused for their own change, not for being a copy.
    const dir = dataDir();
    copyInto(dir);
    const { engine: reopened } = await start(dir);
    expect(await reopened.preload('x', () => masterTurns)).toBe(true);
    await reopened.dispose();
  });
  afterAll(() => master.remove());

  /** A cache folder holding the saved 'x', and the turns it was saved with. */
  function saved(): { dir: string; turns: ChatTurn[] } {
    const dir = dataDir();
    copyInto(dir);
    expect(stateFiles(dir)).toHaveLength(1);
    return { dir, turns: masterTurns.map((turn) => ({ ...turn })) };
  }

  it.each([
    ['another model', { model: FIXTURE_CHATML_MODEL }],
    ['another context size', { contextSize: 1024 }],
    ['another system prompt', { systemPrompt: 'You are a pirate.' }],
  ])('is refused for %s without reaching llama.cpp, and removed', async (_name, changed) => {
    const { dir, turns } = saved();
    const { engine } = await start(dir, changed);
    const load = vi.spyOn(LlamaContextSequence.prototype, 'loadStateFromFile');
    expect(await engine.preload('x', () => turns)).toBe(false);
    await ask(engine, 'x', turns, FOLLOW_UP);
    expect(load).not.toHaveBeenCalled();
    expect(stateFiles(dir)).toEqual([]);
  });

  it('is refused when the conversation changed since (an edited turn)', async () => {
    const { dir, turns } = saved();
    const { engine, logger } = await start(dir);
    const load = vi.spyOn(LlamaContextSequence.prototype, 'loadStateFromFile');
    const edited: ChatTurn[] = [{ role: 'user', text: 'Tell me about a cat.' }, ...turns.slice(1)];
    expect(await engine.preload('x', () => edited)).toBe(false);
    expect(load).not.toHaveBeenCalled();
    expect(logger.entries.filter((e) => e.eventType === 'state_refused')).toHaveLength(1);
    expect(stateFiles(dir)).toEqual([]);
  });

  it.each([
    ['truncated', (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2))],
    [
      'replaced by random bytes',
      (path: string) => writeFileSync(path, randomBytes(readFileSync(path).length)),
    ],
  ])('is refused when its file is %s, without reaching llama.cpp', async (_name, damage) => {
    const { dir, turns } = saved();
    damage(join(dir, 'state-cache', stateFiles(dir)[0] ?? ''));
    const { engine, logger } = await start(dir);
    const load = vi.spyOn(LlamaContextSequence.prototype, 'loadStateFromFile');
    expect(await engine.preload('x', () => turns)).toBe(false);
    expect(load).not.toHaveBeenCalled();
    const refused = logger.entries.filter((e) => e.eventType === 'state_refused');
    expect(refused).toHaveLength(1);
    expect(stateFiles(dir)).toEqual([]);
    // And the conversation still answers, from its history.
    expect((await ask(engine, 'x', turns, FOLLOW_UP)).text.length).toBeGreaterThan(0);
  });
});
