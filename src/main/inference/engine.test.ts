import {
  ChatMLChatWrapper,
  GeneralChatWrapper,
  getLlama,
  LlamaChatSession,
  type ChatWrapper,
} from 'node-llama-cpp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure } from '../contracts/failure';
import { createMemoryLogger } from '../../testing/loggers';
import {
  InferenceEngine,
  type ChatTurn,
  type GenerationJob,
  type GenerationResult,
} from './engine';
import {
  engineConfig,
  FIXTURE_CHATML_MODEL,
  FIXTURE_MODEL,
  manualThrottle,
} from '../../testing/inferenceFixtures';
import { InferenceActivity, type InferenceThrottle } from '../contracts/throttle';
import { engineDiagnostics, pendingEngineTimers } from '../../testing/engineDiagnostics';

const engines: InferenceEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.dispose()));
});

async function readyEngine(
  overrides: Parameters<typeof engineConfig>[0] = {},
  throttle?: InferenceThrottle,
  activity?: InferenceActivity,
): Promise<InferenceEngine> {
  const config = engineConfig(overrides);
  const engine = new InferenceEngine({
    config,
    logger: createMemoryLogger(),
    baseThreads: config.threads ?? 1,
    throttle,
    activity,
  });
  engines.push(engine);
  const status = await engine.start();
  expect(status).toMatchObject({ state: 'ready', threads: overrides.threads ?? 1 });
  return engine;
}

/** An engine with one thread, not started yet; disposed after the test. */
function unstartedEngine(config = engineConfig(), logger = createMemoryLogger()): InferenceEngine {
  const engine = new InferenceEngine({ config, logger, baseThreads: 1 });
  engines.push(engine);
  return engine;
}

/** A first prompt in a conversation: nothing said before it. */
const firstPrompt = (): GenerationJob => ({
  clientId: 'k',
  conversationId: 'c',
  messageId: 'm',
  prompt: 'Hi',
  history: () => [],
});

/** A conversation driven the way the app drives it: history from its own turns. */
function conversation(engine: InferenceEngine, conversationId: string, clientId = 'kiosk') {
  const turns: ChatTurn[] = [];
  let n = 0;
  return {
    turns,
    async ask(prompt: string, extra: Partial<GenerationJob> = {}): Promise<GenerationResult> {
      const before = [...turns];
      const result = await engine.generate({
        clientId,
        conversationId,
        messageId: `${conversationId}-${++n}`,
        prompt,
        history: () => before,
        ...extra,
      });
      turns.push({ role: 'user', text: prompt }, { role: 'assistant', text: result.text });
      return result;
    },
  };
}

/** Raw node-llama-cpp, set up by hand, as a user of the library would. */
async function rawAnswers(
  modelPath: string,
  chatWrapper: () => ChatWrapper,
  prompts: string[],
  settings: { systemPrompt: string; maxTokens: number },
): Promise<string[]> {
  const llama = await getLlama({ gpu: false, maxThreads: 1, logLevel: 'error' as never });
  try {
    const model = await llama.loadModel({ modelPath });
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    const session = new LlamaChatSession({
      contextSequence: context.getSequence(),
      chatWrapper: chatWrapper(),
      systemPrompt: settings.systemPrompt,
    });
    const answers: string[] = [];
    for (const prompt of prompts) {
      answers.push(await session.prompt(prompt, { temperature: 0, maxTokens: settings.maxTokens }));
    }
    await context.dispose();
    await model.dispose();
    return answers;
  } finally {
    await llama.dispose();
  }
}

describe('InferenceEngine answers', () => {
  it('gives, at temperature 0, exactly what raw node-llama-cpp gives with GeneralChatWrapper', async () => {
    const config = engineConfig();
    const prompts = ['Once upon a time', 'What did the cat do next?'];
    const raw = await rawAnswers(FIXTURE_MODEL, () => new GeneralChatWrapper(), prompts, config);
    const engine = await readyEngine();
    const chat = conversation(engine, 'c1');
    const first = await chat.ask(prompts[0] as string);
    const second = await chat.ask(prompts[1] as string);
    expect(raw[0]?.length).toBeGreaterThan(10);
    expect(first).toMatchObject({ status: 'complete', text: raw[0] });
    expect(second).toMatchObject({ status: 'complete', text: raw[1] });
    expect(first.stats?.tokens).toBeGreaterThan(0);
    expect(first.stats?.tokensPerSecond).toBeGreaterThan(0);
    expect(first.stats?.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it("uses the model's own ChatML template and matches raw node-llama-cpp with it", async () => {
    const config = engineConfig({ model: FIXTURE_CHATML_MODEL });
    const raw = await rawAnswers(
      FIXTURE_CHATML_MODEL,
      () => new ChatMLChatWrapper(),
      ['Tell me about a dog'],
      config,
    );
    const engine = await readyEngine({ model: FIXTURE_CHATML_MODEL });
    const result = await conversation(engine, 'c1').ask('Tell me about a dog');
    expect(result.text).toBe(raw[0]);
  });

  it('streams the answer in chunks that add up to the final text', async () => {
    const engine = await readyEngine();
    const chunks: string[] = [];
    let started = 0;
    const result = await conversation(engine, 'c1').ask('Once upon a time', {
      onStart: () => started++,
      onText: (text) => chunks.push(text),
    });
    expect(started).toBe(1);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(result.text);
  });

  it('Stop keeps the partial answer, marked stopped, a prefix of the full answer', async () => {
    const engine = await readyEngine({ maxTokens: 400 });
    const full = await conversation(engine, 'full').ask('Once upon a time');
    expect(full.stats?.tokens).toBeGreaterThan(100);
    let chunks = 0;
    const stopped = await conversation(engine, 'stopped').ask('Once upon a time', {
      onText: () => {
        if (++chunks === 10) expect(engine.stop('stopped-1')).toBe(true);
      },
    });
    expect(stopped.status).toBe('stopped');
    expect(stopped.text.length).toBeGreaterThan(0);
    expect(stopped.text.length).toBeLessThan(full.text.length);
    expect(full.text.startsWith(stopped.text)).toBe(true);
    // The conversation carries on after a Stop.
    const next = await conversation(engine, 'stopped').ask('And then?');
    expect(next.status).toBe('complete');
  });

  it('Stop on a queued prompt removes it without generating', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({}, throttle);
    throttle.set({ hold: 'Cooling down' });
    let started = false;
    const pending = conversation(engine, 'q').ask('Hello', { onStart: () => (started = true) });
    expect(engine.queuedCount).toBe(1);
    expect(engine.stop('q-1')).toBe(true);
    expect(await pending).toMatchObject({ status: 'stopped', text: '' });
    expect(started).toBe(false);
    expect(engine.queuedCount).toBe(0);
    expect(engine.stop('q-1')).toBe(false);
  });
});

describe('InferenceEngine queue', () => {
  it('serves clients round-robin, first-in-first-out within a client, one at a time', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({ maxTokens: 8 }, throttle);
    throttle.set({ hold: 'Cooling down' });
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const ask = (clientId: string, id: string) =>
      engine
        .generate({
          clientId,
          conversationId: id,
          messageId: id,
          prompt: 'Hi',
          history: () => [],
          onStart: () => {
            order.push(id);
            maxRunning = Math.max(maxRunning, ++running);
          },
          onText: () => {},
        })
        .finally(() => running--);
    const all = [
      ask('kiosk', 'k1'),
      ask('kiosk', 'k2'),
      ask('kiosk', 'k3'),
      ask('phone', 'p1'),
      ask('phone', 'p2'),
    ];
    expect(engine.queuedCount).toBe(5);
    throttle.set({ hold: null });
    const results = await Promise.all(all);
    expect(results.every((r) => r.status === 'complete')).toBe(true);
    expect(order).toEqual(['k1', 'p1', 'k2', 'p2', 'k3']);
    expect(maxRunning).toBe(1);
  });

  it('tells queued prompts their position and starts held prompts when cooling ends', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({ maxTokens: 8 }, throttle);
    throttle.set({ hold: 'Cooling: board at 86 °C' });
    const queueEvents: [number, string | undefined][] = [];
    let cooling = true;
    const startedWhile: string[] = [];
    const result = engine.generate({
      clientId: 'kiosk',
      conversationId: 'c',
      messageId: 'm',
      prompt: 'Hi',
      history: () => [],
      onQueue: (position, reason) => queueEvents.push([position, reason]),
      onStart: () => startedWhile.push(cooling ? 'cooling' : 'cooled'),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(startedWhile).toEqual([]);
    expect(engine.load().busy).toBe(false);
    expect(queueEvents).toEqual([[0, 'Cooling: board at 86 °C']]);
    cooling = false;
    throttle.set({ hold: null });
    expect(await result).toMatchObject({ status: 'complete', slowedByCooling: true });
    expect(startedWhile).toEqual(['cooled']);
    // It started at once, so no further queue notice was needed.
    expect(queueEvents).toEqual([[0, 'Cooling: board at 86 °C']]);
  });
});

describe('InferenceEngine history', () => {
  it('a follow-up evaluates only the new turn, never the whole history again', async () => {
    const engine = await readyEngine({ maxTokens: 24 });
    const chat = conversation(engine, 'long');
    const evaluated: { before: number; input: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const [before] = engineDiagnostics(engine).sessions.filter(
        (s) => s.conversationId === 'long',
      );
      const inputBefore = before?.inputTokens ?? 0;
      const historyTokens = before?.nextTokenIndex ?? 0;
      await chat.ask('Tell me more about the little dog.');
      const [after] = engineDiagnostics(engine).sessions.filter((s) => s.conversationId === 'long');
      evaluated.push({ before: historyTokens, input: (after?.inputTokens ?? 0) - inputBefore });
    }
    const first = evaluated[0];
    const last = evaluated[19];
    expect(last?.before).toBeGreaterThan(400);
    // The 20th prompt evaluates about as much as the first (its new turn), far less than its history.
    expect(last?.input).toBeLessThan((last?.before ?? 0) / 4);
    expect(last?.input).toBeLessThanOrEqual((first?.input ?? 0) + 40);
  });

  it('a conversation rebound after others took its session answers as if never left', async () => {
    const straight = await readyEngine();
    const a = conversation(straight, 'x');
    await a.ask('Once upon a time');
    const expected = await a.ask('What happened next?');

    const switching = await readyEngine();
    const x = conversation(switching, 'x');
    await x.ask('Once upon a time');
    await conversation(switching, 'y').ask('Tell me about a cat');
    await conversation(switching, 'z').ask('Tell me about a bird');
    expect(engineDiagnostics(switching).sessions.map((s) => s.conversationId)).not.toContain('x');
    const answer = await x.ask('What happened next?');
    expect(answer.text).toBe(expected.text);
  });

  it('keeps answering when a conversation outgrows a 256-token context (context shift)', async () => {
    const engine = await readyEngine({ contextSize: 256, maxTokens: 64 });
    expect(engineDiagnostics(engine).contextSize).toBe(256);
    const chat = conversation(engine, 'shift');
    let total = 0;
    for (let i = 0; i < 16; i++) {
      const result = await chat.ask(
        `Tell me part ${i + 1} of the story about the brave little mouse.`,
      );
      expect(result.status).toBe('complete');
      total += (result.stats?.tokens ?? 0) + 20;
      const [session] = engineDiagnostics(engine).sessions.filter(
        (s) => s.conversationId === 'shift',
      );
      expect(session?.nextTokenIndex).toBeLessThanOrEqual(256);
    }
    expect(total).toBeGreaterThan(2 * 256);
  });
});

describe('InferenceEngine long conversations', () => {
  it('once the context is full, drops the oldest turns without evaluating the rest again', async () => {
    const contextSize = 512;
    const engine = await readyEngine({ contextSize, maxTokens: 32 });
    const chat = conversation(engine, 'dog');
    const rows: {
      prompt: number;
      firstTokenMs: number;
      evaluated: number;
      dropped: number;
      erased: number;
      window: number;
    }[] = [];
    let answerTokens = 0;
    for (let i = 1; i <= 32; i++) {
      const result = await chat.ask(`Tell me more about the dog, part ${i}.`);
      expect(result.status).toBe('complete');
      expect(result.stats?.tokens).toBeGreaterThan(0);
      answerTokens += result.stats?.tokens ?? 0;
      const [session] = engineDiagnostics(engine).sessions.filter(
        (s) => s.conversationId === 'dog',
      );
      expect(session?.nextTokenIndex).toBeLessThanOrEqual(contextSize);
      rows.push({
        prompt: i,
        firstTokenMs: Math.round((result.stats?.timeToFirstTokenMs ?? 0) * 10) / 10,
        evaluated: session?.lastPrompt?.evaluatedBeforeFirstToken ?? Infinity,
        dropped: session?.lastPrompt?.droppedExchanges ?? 0,
        erased: session?.lastPrompt?.erasedTokens ?? 0,
        window: session?.nextTokenIndex ?? 0,
      });
    }
    console.table(rows);
    const at = (n: number) => rows[n - 1]?.firstTokenMs;
    console.log(
      `first token: prompt 1 ${at(1)} ms, prompt 20 ${at(20)} ms, prompt 30 ${at(30)} ms`,
    );

    // The conversation outgrew the context: its answers alone hold more tokens than it can.
    expect(answerTokens).toBeGreaterThan(contextSize);
    expect(Math.max(...rows.map((row) => row.window))).toBeGreaterThan((3 * contextSize) / 4);
    // Every prompt, before and after the context filled, evaluates about as much as
    // the first one (system prompt + first turn) before its first token, never the
    // window (several hundred tokens).
    const first = rows[0]?.evaluated ?? 0;
    expect(first).toBeGreaterThan(0);
    for (const row of rows) expect(row.evaluated).toBeLessThanOrEqual(first + 16);
    // Because the oldest turns were dropped and their tokens erased from the KV cache
    // (the cells after them shifted), not the window evaluated again.
    const full = rows.filter((row) => row.dropped > 0);
    expect(full.length).toBeGreaterThanOrEqual(10);
    for (const row of full) expect(row.erased).toBeGreaterThan(0);
    expect(Math.min(...full.map((row) => row.window))).toBeGreaterThan(contextSize / 2);
    // The persisted conversation keeps every turn; only what the model sees is trimmed.
    expect(chat.turns).toHaveLength(64);
  });
});

describe('InferenceEngine throttle', () => {
  it('lowers llama.maxThreads to the thread cap and restores it', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({ threads: 2, maxTokens: 4 }, throttle);
    expect(engineDiagnostics(engine).maxThreads).toBe(2);
    expect(engine.load()).toEqual({ busy: false, threads: 2 });
    throttle.set({ cap: 1 });
    expect(engineDiagnostics(engine).maxThreads).toBe(1);
    expect(engine.load().threads).toBe(1);
    const result = await conversation(engine, 'c').ask('Hi');
    expect(result.slowedByCooling).toBe(true);
    expect(engineDiagnostics(engine).contextThreads).toBe(1);
    throttle.set({ cap: undefined });
    expect(engineDiagnostics(engine).maxThreads).toBe(2);
  });

  it('paces each generated token by tokenDelayMs', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({ maxTokens: 10 }, throttle);
    const fast = await conversation(engine, 'fast').ask('Once upon a time');
    expect(fast.slowedByCooling).toBe(false);
    throttle.set({ delayMs: 30 });
    const started = performance.now();
    const slow = await conversation(engine, 'slow').ask('Once upon a time');
    const elapsed = performance.now() - started;
    expect(slow.text).toBe(fast.text);
    expect(slow.stats?.tokens).toBe(10);
    expect(elapsed).toBeGreaterThanOrEqual(9 * 30);
    expect(slow.slowedByCooling).toBe(true);
  });

  it('reports busy while generating, for the simulated board', async () => {
    const engine = await readyEngine({ maxTokens: 30 });
    const busy: boolean[] = [];
    await conversation(engine, 'c').ask('Hi', { onText: () => busy.push(engine.load().busy) });
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every(Boolean)).toBe(true);
    expect(engine.load().busy).toBe(false);
  });
});

describe('InferenceEngine without a usable model', () => {
  it('rejects prompts with model_unavailable while in error', async () => {
    const engine = unstartedEngine(engineConfig({ model: '/nonexistent/model.gguf' }));
    await engine.start();
    expect(() => engine.generate(firstPrompt())).toThrow(ApiFailure);
  });
});

describe('InferenceEngine readiness', () => {
  it('takes prompts while loading and when ready, and refuses them once disposed', async () => {
    const engine = unstartedEngine();
    expect(engine.status().state).toBe('loading');
    expect(() => engine.assertReady()).not.toThrow();
    expect((await engine.start()).state).toBe('ready');
    expect(() => engine.assertReady()).not.toThrow();
    const disposed = engine.dispose();
    expect(() => engine.assertReady()).toThrow(/shutting down/);
    await disposed;
    expect(() => engine.generate(firstPrompt())).toThrow(ApiFailure);
  });

  it('ends a prompt queued while the model was looked for with an error when there is none', async () => {
    const engine = unstartedEngine(
      engineConfig({ model: undefined, dataDir: '/nonexistent/hearth-data' }),
    );
    const settled = engine.start();
    const answer = engine.generate(firstPrompt());
    expect((await settled).state).toBe('none');
    expect(await answer).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/HEARTH_MODEL/),
    });
    expect(() => engine.assertReady()).toThrow(/HEARTH_MODEL/);
  });
});

describe('InferenceEngine status listeners', () => {
  it('reports each status, keeps going past a listener that throws, and stops on unsubscribe', async () => {
    const logger = createMemoryLogger();
    const engine = unstartedEngine(engineConfig(), logger);
    const seen: string[] = [];
    const left: string[] = [];
    const throwing = engine.onStatus(() => {
      throw new Error('listener broke');
    });
    engine.onStatus((status) => seen.push(status.state));
    const leaving = engine.onStatus((status) => left.push(status.state));
    leaving();
    await engine.start();
    expect(seen[0]).toBe('loading');
    expect(seen.at(-1)).toBe('ready');
    expect(left).toEqual([]);
    expect(logger.entries.some((e) => e.eventType === 'model_status_listener_failed')).toBe(true);
    throwing.dispose();
  });
});

describe('InferenceEngine load', () => {
  it('publishes busy and threads to the activity as answers run and the cap changes', async () => {
    const throttle = manualThrottle();
    const activity = new InferenceActivity();
    const engine = await readyEngine({ threads: 2, maxTokens: 8 }, throttle, activity);
    expect(activity.current).toEqual({ busy: false, threads: 2 });
    throttle.set({ cap: 1 });
    expect(activity.current).toEqual({ busy: false, threads: 1 });
    const whileAnswering: boolean[] = [];
    await conversation(engine, 'c').ask('Hi', {
      onStart: () => whileAnswering.push(activity.current.busy),
      onText: () => whileAnswering.push(activity.current.busy),
    });
    expect(whileAnswering.length).toBeGreaterThan(1);
    expect(whileAnswering.every(Boolean)).toBe(true);
    expect(activity.current).toEqual({ busy: false, threads: 1 });
    throttle.set({ cap: undefined });
    expect(activity.current).toEqual({ busy: false, threads: 2 });
    await engine.dispose();
    expect(activity.current).toEqual({ busy: false, threads: 0 });
  });
});

describe('InferenceEngine dispose', () => {
  it('interrupts a running answer and leaves no timer of its own behind', async () => {
    const throttle = manualThrottle();
    const engine = await readyEngine({ maxTokens: 400 }, throttle);
    let resolveFirst: () => void = () => {};
    const firstText = new Promise<void>((r) => (resolveFirst = r));
    // Once text flows, cooling holds each next token back for a minute, on the engine's timer.
    const onText = () => {
      throttle.set({ delayMs: 60_000 });
      resolveFirst();
    };
    const running = conversation(engine, 'c').ask('Once upon a time', { onText });
    const queued = conversation(engine, 'd', 'phone').ask('Hello');
    await firstText;
    await vi.waitFor(() => expect(pendingEngineTimers().length).toBeGreaterThan(0));
    // Resolves well within the test's timeout only if the held token is let go at once.
    await engine.dispose();
    expect(pendingEngineTimers()).toEqual([]);
    expect((await running).status).toBe('interrupted');
    expect((await running).text.length).toBeGreaterThan(0);
    expect(await queued).toMatchObject({ status: 'interrupted', text: '' });
  });

  it('is idempotent, and `await using` disposes the engine', async () => {
    const logger = createMemoryLogger();
    let outside: InferenceEngine | undefined;
    {
      await using engine = new InferenceEngine({ config: engineConfig(), logger, baseThreads: 1 });
      outside = engine;
      expect((await engine.start()).state).toBe('ready');
    }
    expect(engineDiagnostics(outside).contextSize).toBeUndefined();
    expect(() => outside.assertReady()).toThrow(/shutting down/);
    await expect(outside.dispose()).resolves.toBeUndefined();
  });
});
