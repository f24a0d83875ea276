import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '../../shared/api';
import { createMemoryLogger } from '../../testing/loggers';
import { engineConfig, FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { useCleanups } from '../../testing/cleanups';
import { engineInternals, InferenceEngine, type GenerationJob } from './engine';

const cleanups = useCleanups();

function engineWith(model: string | undefined) {
  const dataDir = cleanups.scratchDir();
  const statuses: ModelStatus[] = [];
  const engine = new InferenceEngine({
    config: engineConfig({ model, dataDir, maxTokens: 200 }),
    logger: createMemoryLogger(),
    baseThreads: 1,
  });
  cleanups.defer(() => engine.dispose());
  engine.onStatus((status) => statuses.push(status));
  return { engine, statuses, dataDir };
}

let n = 0;
const job = (conversationId: string, extra: Partial<GenerationJob> = {}): GenerationJob => ({
  clientId: 'kiosk',
  conversationId,
  messageId: `m${++n}`,
  prompt: 'Once upon a time',
  history: () => [],
  ...extra,
});

/** The system prompt the conversation's session would run under now. */
function systemPromptOf(engine: InferenceEngine, conversationId: string): string | undefined {
  const slot = engine[engineInternals]().slots.find((s) => s.conversationId === conversationId);
  const first = slot?.session.getChatHistory()[0];
  return first?.type === 'system' ? String(first.text) : undefined;
}

describe('switching the model while Hearth runs', () => {
  it('goes from no model to a ready one, and answers prompts with it', async () => {
    const { engine, statuses, dataDir } = engineWith(undefined);
    expect(await engine.start()).toMatchObject({ state: 'none' });
    expect(engine.modelPath).toBeUndefined();

    const switched = engine.switchModel(FIXTURE_MODEL);
    expect(engine.status().state).toBe('loading');
    expect(await switched).toMatchObject({ state: 'ready' });
    expect(await engine.whenSettled()).toMatchObject({ state: 'ready' });
    expect(engine.modelPath).toBe(FIXTURE_MODEL);
    expect(statuses.map((s) => s.state)).toEqual(
      expect.arrayContaining(['none', 'loading', 'ready']),
    );
    const answer = await engine.generate(job('c1'));
    expect(answer.status).toBe('complete');
    expect(answer.text.length).toBeGreaterThan(0);
    expect(join(dataDir, 'models')).not.toBe(FIXTURE_MODEL);
  });

  it('interrupts the running answer, keeps a queued prompt waiting, and answers it on the new model', async () => {
    const { engine } = engineWith(FIXTURE_MODEL);
    expect(await engine.start()).toMatchObject({ state: 'ready' });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = engine.generate(job('c1', { onText: () => started() }));
    const queued = engine.generate(job('c2'));
    await running;

    const status = await engine.switchModel(FIXTURE_CHATML_MODEL);
    expect(status.state).toBe('ready');
    expect(engine.modelPath).toBe(FIXTURE_CHATML_MODEL);
    const interrupted = await first;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.text.length).toBeGreaterThan(0);
    const answered = await queued;
    expect(answered.status).toBe('complete');
    expect(answered.text.length).toBeGreaterThan(0);
    // The new model's sessions: one per slot, none left from the old context.
    expect(engine[engineInternals]().loaded?.model.filename).toBe('stories260K-chatml.gguf');
  });

  it('reports a bad file as an error status and takes a good one afterwards', async () => {
    const { engine } = engineWith(FIXTURE_MODEL);
    await engine.start();
    const missing = await engine.switchModel('/nonexistent/model.gguf');
    expect(missing).toMatchObject({ state: 'error' });
    expect(missing.error).toMatch(/not found/);
    expect(() => engine.assertReady()).toThrow();
    expect(await engine.switchModel(FIXTURE_MODEL)).toMatchObject({ state: 'ready' });
    expect((await engine.generate(job('c3'))).status).toBe('complete');
  });

  it('a new system prompt applies to the next prompt of a conversation that already has a session', async () => {
    const { engine } = engineWith(FIXTURE_MODEL);
    await engine.start();
    await engine.generate(job('c1'));
    expect(systemPromptOf(engine, 'c1')).toBe(engineConfig().systemPrompt);

    engine.setSystemPrompt('You are a pirate.');
    await engine.generate(job('c1', { history: () => [{ role: 'user', text: 'Once' }] }));
    expect(systemPromptOf(engine, 'c1')).toBe('You are a pirate.');
  });

  it('a switch after dispose changes nothing', async () => {
    const { engine } = engineWith(FIXTURE_MODEL);
    await engine.start();
    await engine.dispose();
    expect(await engine.switchModel(FIXTURE_CHATML_MODEL)).toMatchObject({ state: 'error' });
  });
});
