import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { dispatch, type CallContext } from '../rpc/dispatch';
import type { HearthConfig } from '../config/config';
import { ConversationStore } from '../conversations/store';
import { composeCore } from '../runtime/compose';
import { manualThrottle, tempDir } from '../../testing/inferenceFixtures';
import type { InferenceThrottle } from '../contracts/throttle';
import { noThrottle } from '../contracts/throttle';
import { createMemoryLogger } from '../../testing/loggers';
import { appConfig, fakeCoolingCheck, fakePairing, fakeThermal } from '../../testing/serviceFakes';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const kiosk: CallContext = { clientId: 'kiosk', role: 'owner' };

function dataDir(): string {
  const dir = tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}

async function startApp(
  config: HearthConfig,
  throttle: InferenceThrottle = noThrottle,
  { waitForModel = true } = {},
) {
  const logger = createMemoryLogger();
  const coolingCheck = fakeCoolingCheck();
  const app = composeCore({
    config,
    logger,
    thermal: fakeThermal(),
    coolingCheck,
    pairing: fakePairing(),
    throttle,
    baseThreads: config.threads ?? 1,
  });
  cleanups.push(() => app.dispose());
  const { events } = app;
  const seen: HearthEvent[] = [];
  events.subscribe((event) => seen.push(event));
  await app.start();
  if (waitForModel) await app.engine.whenSettled();
  const call = async (name: string, args: unknown = {}, ctx = kiosk) => {
    const outcome = await dispatch(app.handlers, name, args, ctx);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
    return outcome.value as never;
  };
  const callOutcome = (name: string, args: unknown = {}, ctx = kiosk) =>
    dispatch(app.handlers, name, args, ctx);
  /** Resolves with the final message event of an answer. */
  const answerOf = (messageId: string) =>
    new Promise<Extract<HearthEvent, { type: 'message' }>>((resolve) => {
      const check = (event: HearthEvent) => {
        if (
          event.type === 'message' &&
          event.message.id === messageId &&
          !['queued', 'streaming'].includes(event.message.status)
        ) {
          off();
          resolve(event);
        }
      };
      const off = events.subscribe(check);
      seen.forEach(check);
    });
  return { app, events, seen, logger, coolingCheck, call, callOutcome, answerOf };
}

describe('HearthService', () => {
  it('starts without waiting for the model and reports loading, then ready, as model events', async () => {
    const { app, seen, call } = await startApp(appConfig(dataDir()), noThrottle, {
      waitForModel: false,
    });
    const first = await call('getSnapshot');
    expect((first as { model: { state: string } }).model.state).toBe('loading');
    expect(await app.engine.whenSettled()).toMatchObject({ state: 'ready', threads: 1 });
    const models = seen.flatMap((e) => (e.type === 'model' ? [e.model.state] : []));
    expect(models[0]).toBe('loading');
    expect(models.at(-1)).toBe('ready');
    const snapshot = (await call('getSnapshot')) as Record<string, unknown>;
    expect(snapshot).toMatchObject({
      model: { state: 'ready' },
      thermal: { source: 'none', temperatureC: -1 },
      conversations: [],
      coolingCheck: { state: 'idle' },
    });
  });

  it('sendPrompt returns both messages at once and streams the answer as batched token events', async () => {
    const { call, seen, answerOf, app } = await startApp(
      appConfig(dataDir(), { HEARTH_MAX_TOKENS: '300' }),
    );
    const conversation = (await call('newConversation')) as { id: string };
    const sent = (await call('sendPrompt', {
      conversationId: conversation.id,
      text: 'Once upon a time',
    })) as { userMessageId: string; assistantMessageId: string };
    // Both messages went out as events before the call returned; the result only names them.
    expect(Object.keys(sent).sort()).toEqual(['assistantMessageId', 'userMessageId']);
    const announced = seen.filter((e) => e.type === 'message').map((e) => e.message);
    expect(announced.slice(0, 2)).toMatchObject([
      { id: sent.userMessageId, role: 'user', status: 'complete', text: 'Once upon a time' },
      { id: sent.assistantMessageId, role: 'assistant', status: 'queued', text: '' },
    ]);
    const done = await answerOf(sent.assistantMessageId);
    expect(done.message.status).toBe('complete');
    expect(done.message.stats?.tokens).toBeGreaterThan(50);
    expect(done.message.stats?.timeToFirstTokenMs).toBeGreaterThan(0);

    const forAnswer = seen.filter(
      (e) =>
        (e.type === 'message' && e.message.id === sent.assistantMessageId) ||
        (e.type === 'tokens' && e.messageId === sent.assistantMessageId),
    );
    const kinds = forAnswer.map((e) => (e.type === 'message' ? e.message.status : 'tokens'));
    expect(kinds[0]).toBe('queued');
    expect(kinds[1]).toBe('streaming');
    expect(kinds.at(-1)).toBe('complete');
    const tokenEvents = forAnswer.filter((e) => e.type === 'tokens');
    const streamed = tokenEvents.map((e) => (e.type === 'tokens' ? e.text : '')).join('');
    expect(streamed).toBe(done.message.text);
    // Batched: far fewer events than tokens.
    expect(tokenEvents.length).toBeLessThan((done.message.stats?.tokens ?? 0) / 3);
    expect(tokenEvents.length).toBeGreaterThan(0);

    const opened = (await call('openConversation', { id: conversation.id })) as {
      title: string;
      messages: { text: string; status: string }[];
    };
    expect(opened.title).toBe('Once upon a time');
    expect(opened.messages.map((m) => m.status)).toEqual(['complete', 'complete']);
    expect(app.health()).toMatchObject({
      status: 'ok',
      conversations: 1,
      sessions: { connected: 0, disconnected: 0, activeGenerations: 0, queuedPrompts: 0 },
    });
    expect(seen.some((e) => e.type === 'conversations')).toBe(true);
  });

  it('rejects a second prompt while the conversation answers, and Stop keeps the partial answer', async () => {
    const throttle = manualThrottle();
    const { call, callOutcome, answerOf, seen } = await startApp(
      appConfig(dataDir(), { HEARTH_MAX_TOKENS: '500' }),
      throttle,
    );
    throttle.set({ delayMs: 10 });
    const { id } = (await call('newConversation')) as { id: string };
    const sent = (await call('sendPrompt', { conversationId: id, text: 'Once upon a time' })) as {
      assistantMessageId: string;
    };
    const busy = await callOutcome('sendPrompt', { conversationId: id, text: 'Again' });
    expect(busy).toMatchObject({ ok: false, error: { code: 'busy' } });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (seen.some((e) => e.type === 'tokens')) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    expect(await call('stop', { conversationId: id })).toEqual({ stopped: true });
    const done = await answerOf(sent.assistantMessageId);
    expect(done.message.status).toBe('stopped');
    expect(done.message.text.length).toBeGreaterThan(0);
    expect(done.message.slowedByCooling).toBe(true);
    expect(await call('stop', { conversationId: id })).toEqual({ stopped: false });
  });

  it('holds a prompt while cooling, telling the client why, and answers when it clears', async () => {
    const throttle = manualThrottle();
    const { call, answerOf, seen } = await startApp(appConfig(dataDir()), throttle);
    throttle.set({ hold: 'Cooling down: 86 °C' });
    const { id } = (await call('newConversation')) as { id: string };
    const sent = (await call('sendPrompt', { conversationId: id, text: 'Hello' })) as {
      assistantMessageId: string;
    };
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.filter((e) => e.type === 'queue')).toEqual([
      {
        type: 'queue',
        conversationId: id,
        messageId: sent.assistantMessageId,
        position: 0,
        reason: 'Cooling down: 86 °C',
      },
    ]);
    throttle.set({ hold: null });
    const done = await answerOf(sent.assistantMessageId);
    expect(done.message).toMatchObject({ status: 'complete', slowedByCooling: true });
  });

  it('deletes a conversation, even mid-answer, and tells every client', async () => {
    const throttle = manualThrottle();
    const dir = dataDir();
    const { call, callOutcome, seen } = await startApp(
      appConfig(dir, { HEARTH_MAX_TOKENS: '400' }),
      throttle,
    );
    throttle.set({ delayMs: 5 });
    const { id } = (await call('newConversation')) as { id: string };
    await call('sendPrompt', { conversationId: id, text: 'Once upon a time' });
    expect(await call('deleteConversation', { id })).toEqual({ ok: true });
    expect(seen).toContainEqual({ type: 'conversationDeleted', conversationId: id });
    expect(await callOutcome('openConversation', { id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(existsSync(join(dir, 'conversations', `${id}.json`))).toBe(false);
    expect(await call('listConversations')).toEqual([]);
  });

  it('with a bad model, reports the error and rejects prompts with model_unavailable, staying up', async () => {
    const dir = dataDir();
    const bad = join(dir, 'bad.gguf');
    writeFileSync(bad, 'not a model at all, just text');
    const { call, callOutcome, seen, app } = await startApp(appConfig(dir, { HEARTH_MODEL: bad }));
    expect(seen.filter((e) => e.type === 'model').at(-1)).toMatchObject({
      model: { state: 'error', error: expect.stringContaining(bad) },
    });
    const { id } = (await call('newConversation')) as { id: string };
    const outcome = await callOutcome('sendPrompt', { conversationId: id, text: 'Hello' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'model_unavailable' } });
    expect(app.health().model.state).toBe('error');
    expect(await call('listConversations')).toHaveLength(1);
  });

  it('delegates the cooling check to its port', async () => {
    const { call, coolingCheck } = await startApp(appConfig(dataDir()), noThrottle, {
      waitForModel: false,
    });
    expect(await call('startCoolingCheck', { durationSec: 60 })).toMatchObject({
      state: 'running',
    });
    expect(coolingCheck.started).toEqual([60]);
    expect(await call('stopCoolingCheck')).toMatchObject({ state: 'stopped' });
  });

  it('close() ends a streaming answer as interrupted, saved with its text, and a restart finds it', async () => {
    const throttle = manualThrottle();
    const dir = dataDir();
    const config = appConfig(dir, { HEARTH_MAX_TOKENS: '500' });
    const { call, seen, app } = await startApp(config, throttle);
    throttle.set({ delayMs: 5 });
    const { id } = (await call('newConversation')) as { id: string };
    await call('sendPrompt', { conversationId: id, text: 'Once upon a time' });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (seen.filter((e) => e.type === 'tokens').length > 2) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await app.dispose();
    const store = new ConversationStore({
      dir: join(dir, 'conversations'),
      logger: createMemoryLogger(),
    });
    await store.load();
    const [, answer] = store.get(id)?.messages ?? [];
    expect(answer?.status).toBe('interrupted');
    expect(answer?.text.length).toBeGreaterThan(0);
    await store.dispose();
  });

  it('leaves the engine and the store to their owner: each is disposed once, by the composition root', async () => {
    const { app } = await startApp(appConfig(dataDir()));
    const disposals: string[] = [];
    for (const [name, part] of [
      ['engine', app.engine],
      ['store', app.store],
    ] as const) {
      const original = part.dispose.bind(part);
      part.dispose = () => {
        disposals.push(name);
        return original();
      };
    }
    await app.dispose();
    expect(disposals.sort()).toEqual(['engine', 'store']);
  });
});
