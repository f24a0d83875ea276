// The engines `npm run bench reopen` measures, built alike on data directories
// under one temporary root, and what it asks them: a conversation brought into
// a slot at a given depth, and a follow-up stopped at its first token.
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggerFrom } from '../src/main/base/log';
import { InferenceEngine, type ChatTurn, type EngineConfig } from '../src/main/inference/engine';
import {
  ConversationStateCache,
  stateCacheDirectory,
} from '../src/main/inference/stateCache/stateCache';
import { engineDiagnostics } from '../src/testing/engineDiagnostics';
import type { BenchSettings } from './hearthRuns';
import { countingFs, type Counts } from './storageWrites';

/** Per answer while conversations are built and brought back; follow-ups stop at their first token. */
const MAX_TOKENS = 80;
const FOLLOW_UP = 'And then?';
/** Long enough that no conversation is saved for being idle while the bench runs. */
const NEVER_IDLE_MS = 3_600_000;
/** The default disk budget (HEARTH_CONVERSATION_MEMORY_MB). */
const BUDGET_BYTES = 512 * 1024 * 1024;

export interface Timed {
  ms: number;
  /**
   * CPU time the process spent from the prompt to its end (stopped at the first
   * token), all threads: unlike the wait, other programs on the machine hardly
   * change it, but it leaves out waiting for the disk.
   */
  cpuMs: number;
  /** Tokens evaluated before the first one generated: shows whether the state was used. */
  evaluated: number;
}

/** An engine of one run, on its own data directory. */
export interface Running {
  engine: InferenceEngine;
  cache: ConversationStateCache | undefined;
  /** What went through the cache's file-system port: the index (llama.cpp writes the states). */
  counts: Counts;
  /** When each log event last came (performance.now()): the engine logs saves and loads. */
  events: Map<string, number>;
}

/** Data directories under one temporary root, and engines built alike. */
export class ReopenBench {
  readonly root = mkdtempSync(join(tmpdir(), 'hearth-bench-reopen-'));
  readonly #settings: BenchSettings;
  #count = 0;

  constructor(settings: BenchSettings) {
    this.#settings = settings;
  }

  /** A name not used before: a data directory's, or a conversation's. */
  fresh(kind: string): string {
    return `${kind}-${++this.#count}`;
  }

  /**
   * Runs `use` with a new engine on dataDir, with the state cache or without,
   * and shuts it down in order after (which saves the states of its slots).
   */
  async withEngine<T>(
    options: { cache: boolean; dataDir?: string },
    use: (running: Running) => Promise<T>,
  ): Promise<T> {
    const dataDir = options.dataDir ?? join(this.root, this.fresh('data'));
    const { fs, counts } = countingFs();
    const events = new Map<string, number>();
    const problems: string[] = [];
    const logger = loggerFrom((level, eventType, context) => {
      events.set(eventType, performance.now());
      // llama.cpp's own warnings (this fixture's tokenizer has some) are not Hearth's.
      if (!['trace', 'debug', 'info'].includes(level) && eventType !== 'llama_cpp') {
        problems.push(`${eventType} ${JSON.stringify(context)}`);
      }
    });
    const cache = options.cache
      ? await ConversationStateCache.open({
          dir: stateCacheDirectory(dataDir),
          budgetBytes: BUDGET_BYTES,
          logger,
          fs,
        })
      : undefined;
    const { modelPath, contextSize, systemPrompt, threads } = this.#settings;
    const config: EngineConfig = {
      model: modelPath,
      dataDir,
      contextSize,
      maxTokens: MAX_TOKENS,
      temperature: 0,
      seed: undefined,
      systemPrompt,
    };
    const engine = new InferenceEngine({
      config,
      logger,
      baseThreads: threads,
      stateCache: cache,
      stateIdleSaveMs: NEVER_IDLE_MS,
    });
    let result: T;
    try {
      const status = await engine.start();
      if (status.state !== 'ready') throw new Error(`engine not ready: ${status.error}`);
      result = await use({ engine, cache, counts, events });
    } finally {
      await engine.dispose();
      await cache?.settled();
    }
    // A refused state or a failed save would make the figures lie.
    if (problems.length > 0) throw new Error(`the engine logged ${problems.join('; ')}`);
    return result;
  }
}

/** Tokens the conversation's session holds, or undefined when it holds no slot. */
export function depthOf(engine: InferenceEngine, conversationId: string): number | undefined {
  return engineDiagnostics(engine).sessions.find((s) => s.conversationId === conversationId)
    ?.nextTokenIndex;
}

/** Asks in a conversation whose stored turns are `turns`; the answer joins them. */
export async function ask(
  engine: InferenceEngine,
  conversationId: string,
  turns: ChatTurn[],
  prompt: string,
): Promise<void> {
  const before = [...turns];
  const result = await engine.generate({
    clientId: 'bench',
    conversationId,
    messageId: `${conversationId}-${turns.length}`,
    prompt,
    history: () => before,
  });
  if (result.status !== 'complete') throw new Error(`answer ${result.status}: ${result.error}`);
  turns.push({ role: 'user', text: prompt }, { role: 'assistant', text: result.text });
}

/** The follow-up, stopped at its first token; the wait before it, from the answer's stats. */
export async function firstToken(
  engine: InferenceEngine,
  conversationId: string,
  turns: readonly ChatTurn[],
): Promise<Timed> {
  const messageId = `${conversationId}-follow-up`;
  const cpu = process.cpuUsage();
  const result = await engine.generate({
    clientId: 'bench',
    conversationId,
    messageId,
    prompt: FOLLOW_UP,
    history: () => [...turns],
    onText: () => engine.stop(messageId),
  });
  const { user, system } = process.cpuUsage(cpu);
  const ms = result.stats?.timeToFirstTokenMs;
  if (result.status === 'error' || ms === undefined || result.stats?.tokens === 0) {
    throw new Error(
      `follow-up in ${conversationId} gave no token: ${result.error ?? result.status}`,
    );
  }
  const session = engineDiagnostics(engine).sessions.find(
    (s) => s.conversationId === conversationId,
  );
  return {
    ms,
    cpuMs: (user + system) / 1000,
    evaluated: session?.lastPrompt?.evaluatedBeforeFirstToken ?? Number.NaN,
  };
}

/**
 * Brings a new conversation with the built turns into a slot: its history is
 * evaluated and its last prompt answered again. Returns its turns as the store
 * would now hold them, and the tokens its session holds.
 */
export async function bring(
  engine: InferenceEngine,
  id: string,
  built: readonly ChatTurn[],
): Promise<{ turns: ChatTurn[]; depth: number }> {
  const turns = built.slice(0, -2);
  const last = built.at(-2);
  if (last?.role !== 'user') throw new Error('a built conversation ends with an answer');
  await ask(engine, id, turns, last.text);
  return { turns, depth: depthOf(engine, id) ?? Number.NaN };
}

/**
 * Deletes conversations that were measured: their slots are freed and their
 * states removed, so the cache holds only a few states, and its index (written
 * whole at each save) stays the size it has with a few large states, as on a Pi.
 */
export function forget(engine: InferenceEngine, ...ids: string[]): void {
  for (const id of ids) engine.forgetConversation(id);
}

/** Every file in a folder, with its size and modification time. */
export function folderSnapshot(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir).map((name) => {
      const { size, mtimeMs } = statSync(join(dir, name));
      return [name, `${size}:${mtimeMs}`];
    }),
  );
}
