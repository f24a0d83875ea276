// Hearth measured the ways a user meets it: the engine alone, the whole app over
// a real WebSocket on loopback, and a long conversation.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { HearthEvent } from '../src/shared/api';
import { serverFrame } from '../src/shared/wire';
import { startHearth, type RunningHearth } from '../src/main/runtime/hearthProcess';
import { loadConfig } from '../src/main/config/config';
import { InferenceEngine } from '../src/main/inference/engine';
import { createMemoryLogger } from '../src/testing/loggers';
import { ownerCookieOf } from '../src/testing/testOwner';
import type { HearthServer } from '../src/main/server/httpServer';
import { inferenceThreads, physicalCoreCount } from '../src/main/inference/physicalCores';
import type { RunFigures } from './raw';

export interface BenchSettings {
  modelPath: string;
  threads: number;
  contextSize: number;
  systemPrompt: string;
}

/** The variables of a bench Hearth: the bench's model and settings, no sensor, loopback on any port. */
export function benchEnv(
  settings: BenchSettings,
  dataDir: string,
  maxTokens: number,
): NodeJS.ProcessEnv {
  return {
    HEARTH_DATA_DIR: dataDir,
    HEARTH_MODEL: settings.modelPath,
    HEARTH_THREADS: String(settings.threads),
    HEARTH_CONTEXT_SIZE: String(settings.contextSize),
    HEARTH_MAX_TOKENS: String(maxTokens),
    HEARTH_TEMPERATURE: '0',
    HEARTH_SYSTEM_PROMPT: settings.systemPrompt,
    HEARTH_THERMAL_ZONE: join(dataDir, 'no-sensor'),
    HEARTH_HOST: '127.0.0.1',
    HEARTH_PORT: '0',
  };
}

export class EngineRunner {
  private constructor(
    private readonly engine: InferenceEngine,
    private readonly dataDir: string,
  ) {}

  static async open(settings: BenchSettings, maxTokens: number): Promise<EngineRunner> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
    const config = loadConfig(benchEnv(settings, dataDir, maxTokens));
    const engine = new InferenceEngine({
      config,
      logger: createMemoryLogger(),
      baseThreads: inferenceThreads(config.threads, physicalCoreCount()),
    });
    const status = await engine.start();
    if (status.state !== 'ready') throw new Error(`engine not ready: ${status.error}`);
    return new EngineRunner(engine, dataDir);
  }

  async run(prompt: string): Promise<RunFigures> {
    let first = 0;
    const start = performance.now();
    const result = await this.engine.generate({
      clientId: 'bench',
      conversationId: randomUUID(),
      messageId: randomUUID(),
      prompt,
      history: () => [],
      onText: () => {
        if (first === 0) first = performance.now();
      },
    });
    const end = performance.now();
    const tokens = result.stats?.tokens ?? 0;
    return {
      timeToFirstTokenMs: first - start,
      tokensPerSecond: tokens > 1 ? (tokens - 1) / ((end - first) / 1000) : 0,
      tokens,
    };
  }

  async close(): Promise<void> {
    await this.engine.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A client of the real server over a real WebSocket, speaking the protocol a phone speaks. */
export class WebSocketRunner {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();
  private listeners = new Set<(event: HearthEvent) => void>();
  private model = 'none';
  private socket: WebSocket | undefined;

  private constructor(
    private readonly running: RunningHearth,
    private readonly url: string,
    private readonly dataDir: string,
    /** The owner cookie: this client acts as a browser that opened the owner page. */
    private readonly ownerCookie: string,
  ) {}

  static async open(settings: BenchSettings, maxTokens: number): Promise<WebSocketRunner> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
    const config = loadConfig(benchEnv(settings, dataDir, maxTokens));
    const logger = createMemoryLogger();
    // The same start-up as `npm run serve`.
    const running = await startHearth({
      config: { ...config, host: '127.0.0.1', port: 0 },
      logger,
      staticDir: join(import.meta.dirname, '..', 'out', 'renderer'),
      processName: 'npm run bench',
      serverRequired: true,
    });
    const server = running.server as HearthServer;
    const runner = new WebSocketRunner(running, server.url, dataDir, ownerCookieOf(running.owner));
    await runner.connect();
    await runner.waitForModel();
    return runner;
  }

  /** A new connection and session: hello, then the snapshot says how the model is. */
  private async connect(): Promise<void> {
    this.socket?.close();
    const socket = new WebSocket(`${this.url.replace('http', 'ws')}/ws`, {
      headers: { origin: this.url, cookie: this.ownerCookie },
    });
    this.socket = socket;
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const caughtUp = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const frame = serverFrame.parse(JSON.parse(String(data)));
        if (frame.t === 'result') {
          this.pending.get(frame.id)?.(frame.ok ? frame.value : Promise.reject(frame.error));
          this.pending.delete(frame.id);
        } else if (frame.t === 'snapshot') {
          this.model = frame.snapshot.model.state;
          resolve();
        } else if (frame.t === 'event') {
          if (frame.event.type === 'model') this.model = frame.event.model.state;
          // Acknowledged now and then, as a phone does, so the server frees its replay buffer.
          if (frame.seq % 50 === 0) socket.send(JSON.stringify({ t: 'ack', seq: frame.seq }));
          for (const listener of this.listeners) listener(frame.event);
        }
      });
    });
    socket.send(JSON.stringify({ t: 'hello' }));
    await caughtUp;
  }

  /** 'model' events say when the model's state changes. */
  private async waitForModel(): Promise<void> {
    for (;;) {
      if (this.model === 'ready') return;
      if (this.model === 'error') throw new Error('model failed to load');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  call(name: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket?.send(JSON.stringify({ t: 'call', id, name, args }));
    });
  }

  async newConversation(): Promise<string> {
    try {
      return ((await this.call('newConversation', {})) as { id: string }).id;
    } catch (error) {
      // A client may create 10 conversations a minute; the bench makes more, so
      // it starts a new session (with an allowance of its own) outside the timings.
      if ((error as { code?: string }).code !== 'rate_limited') throw error;
      await this.connect();
      return ((await this.call('newConversation', {})) as { id: string }).id;
    }
  }

  /** Sends one prompt and times the answer as the client sees it arrive. */
  async run(prompt: string, conversationId?: string): Promise<RunFigures> {
    const id = conversationId ?? (await this.newConversation());
    const answer: { id?: string } = {};
    let first = 0;
    const start = performance.now();
    const done = new Promise<number>((resolve, reject) => {
      const listener = (event: HearthEvent): void => {
        if (event.type === 'tokens' && event.conversationId === id && first === 0) {
          first = performance.now();
        }
        if (
          event.type === 'message' &&
          event.conversationId === id &&
          event.message.role === 'assistant' &&
          (answer.id === undefined || event.message.id === answer.id) &&
          ['complete', 'stopped', 'error'].includes(event.message.status)
        ) {
          this.listeners.delete(listener);
          if (event.message.status === 'error') reject(new Error(event.message.error));
          else resolve(event.message.stats?.tokens ?? 0);
        }
      };
      this.listeners.add(listener);
    });
    const sent = (await this.call('sendPrompt', { conversationId: id, text: prompt })) as {
      assistantMessage: { id: string };
    };
    answer.id = sent.assistantMessage.id;
    const tokens = await done;
    const end = performance.now();
    return {
      timeToFirstTokenMs: first - start,
      tokensPerSecond: tokens > 1 ? (tokens - 1) / ((end - first) / 1000) : 0,
      tokens,
    };
  }

  async close(): Promise<void> {
    this.socket?.close();
    await this.running.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
