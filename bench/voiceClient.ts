// A phone talking to Hearth for `npm run bench voice`: the real server started
// in this process as `npm run serve` starts it, and a client on a real WebSocket
// on loopback that streams microphone frames (binary audio frames) and times
// what comes back: voice events, the answer's tokens, and speech frames. The
// server's log is kept with a timestamp on this process's clock (performance.now),
// so the engines' own timings can be lined up with what the client saw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { HearthEvent } from '../src/shared/api';
import { decodeSpeechFrame, encodeAudioFrame } from '../src/shared/audio';
import { serverFrame } from '../src/shared/wire';
import { loggerFrom } from '../src/main/base/log';
import { loadConfig } from '../src/main/config/config';
import { startHearth, type RunningHearth } from '../src/main/runtime/hearthProcess';
import { benchEnv } from './hearthRuns';
import type { HearthServer } from '../src/main/server/httpServer';
import { ownerCookieOf } from '../src/testing/testOwner';
import type { BenchSettings } from './hearthRuns';

/** Log events the bench reads; the rest are dropped so the log does not grow. */
const KEPT = new Set(['speech_transcribed', 'prompt_queued', 'speech_failed', 'voice_engines']);

export interface LogLine {
  at: number;
  eventType: string;
  context: Record<string, unknown>;
}

/** Something the client received, with when. */
export type Heard =
  | { at: number; kind: 'event'; event: HearthEvent }
  | { at: number; kind: 'speech'; answerId: string; samples: number; last: boolean };

export class VoiceBenchClient {
  readonly log: LogLine[] = [];
  readonly heard: Heard[] = [];
  #socket: WebSocket | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly #waiters = new Set<() => void>();

  private constructor(
    private readonly dataDir: string,
    private running: RunningHearth | undefined,
  ) {}

  static async open(settings: BenchSettings, maxTokens: number): Promise<VoiceBenchClient> {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-voice-'));
    const client = new VoiceBenchClient(dataDir, undefined);
    try {
      const config = loadConfig(benchEnv(settings, dataDir, maxTokens));
      const logger = loggerFrom((_level, eventType, context = {}) => {
        if (KEPT.has(eventType)) client.log.push({ at: performance.now(), eventType, context });
      });
      client.running = await startHearth({
        config,
        logger,
        staticDir: join(import.meta.dirname, '..', 'out', 'renderer'),
        processName: 'npm run bench voice',
        serverRequired: true,
      });
      await client.#connect();
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async #connect(): Promise<void> {
    const running = this.running;
    if (!running) throw new Error('Hearth is not running');
    const url = (running.server as HearthServer).url;
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`, {
      headers: { origin: url, cookie: ownerCookieOf(running.owner) },
    });
    this.#socket = socket;
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let model = 'none';
    socket.on('message', (data, isBinary) => {
      const at = performance.now();
      if (isBinary) {
        const bytes = data as Buffer;
        const frame = decodeSpeechFrame(
          new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
        );
        if ('error' in frame) throw new Error(frame.error);
        const { answerId, pcm, last } = frame;
        this.heard.push({ at, kind: 'speech', answerId, samples: pcm.length, last });
      } else {
        const frame = serverFrame.parse(JSON.parse(String(data)));
        if (frame.t === 'result') {
          const pending = this.#pending.get(frame.id);
          this.#pending.delete(frame.id);
          if (frame.ok) pending?.resolve(frame.value);
          else pending?.reject(new Error(`${frame.error.code}: ${frame.error.message}`));
        } else if (frame.t === 'snapshot') {
          model = frame.snapshot.model.state;
        } else if (frame.t === 'event') {
          if (frame.event.type === 'model') model = frame.event.model.state;
          if (frame.seq % 50 === 0) socket.send(JSON.stringify({ t: 'ack', seq: frame.seq }));
          this.heard.push({ at, kind: 'event', event: frame.event });
        }
      }
      for (const wake of [...this.#waiters]) wake();
    });
    socket.send(JSON.stringify({ t: 'hello' }));
    await this.until(() => model === 'ready' || (model === 'error' && 'error'), 30_000);
    if (model !== 'ready') throw new Error('the model failed to load');
  }

  call<T>(name: string, args: unknown = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.#socket?.send(JSON.stringify({ t: 'call', id, name, args }));
    });
  }

  /** Sends one microphone frame (at most 100 ms); returns when it was handed to the socket. */
  sendAudio(utterance: number, pcm: Int16Array, start: boolean, end: boolean): number {
    this.#socket?.send(encodeAudioFrame({ utterance, start, end, pcm }));
    return performance.now();
  }

  /** Waits until `test` returns something truthy (checked on every message and every 50 ms). */
  async until<T>(test: () => T | undefined | false, timeoutMs: number): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value) return value;
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 50);
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.#waiters;
        waiters.add(done);
      });
    }
  }

  /** Voice events heard since index `from`. */
  voiceEvents(from = 0): (Extract<HearthEvent, { type: 'voice' }> & { at: number })[] {
    return this.heard
      .slice(from)
      .flatMap((h) =>
        h.kind === 'event' && h.event.type === 'voice' ? [{ ...h.event, at: h.at }] : [],
      );
  }

  /** Resident memory of this process (Hearth, the client, and the bench), in MiB. */
  static rssMiB(): number {
    return process.memoryUsage.rss() / 2 ** 20;
  }

  async close(): Promise<void> {
    this.#socket?.close();
    await this.running?.dispose();
    this.running = undefined;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
