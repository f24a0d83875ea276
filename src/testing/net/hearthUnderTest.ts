// The test's side of hearthChild.ts: starts a real Hearth in its own process on
// loopback with the fixture model, pairs phones the way a phone does (GET
// /pair?code=..., keep the cookie), and hands out protocol clients: the owner
// (from 127.0.0.1, with the owner cookie), phones from 127.0.0.2.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import type { ChildReply, ChildRequest, ChildStats } from './hearthChildProtocol';
import { PhoneClient, type PhoneClientOptions } from './phoneClient';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const fixtureModel = resolve(repoRoot, '..', 'shared', 'models', 'stories260K.gguf');
/** Connections from here are phones on the LAN to the child; 127.0.0.1 is the machine itself. */
export const PHONE_ADDRESS = '127.0.0.2';
const START_TIMEOUT_MS = 60_000;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One GET, from a chosen local address, with chosen headers; never follows
 * redirects. An https URL trusts `ca` (Hearth's own certificate).
 */
export function httpGet(
  url: string,
  options: { headers?: Record<string, string>; localAddress?: string; ca?: string } = {},
): Promise<HttpAnswer> {
  const send = url.startsWith('https:') ? httpsGet : get;
  return new Promise((resolveGet, reject) => {
    const request = send(
      url,
      { headers: options.headers, localAddress: options.localAddress, ca: options.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolveGet({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
  });
}

/**
 * Opens a WebSocket upgrade and says how the server answered: 101 when it
 * opened (then closed at once), else the refusal's HTTP status. A wss URL
 * trusts `ca` (Hearth's own certificate).
 */
export function upgradeStatus(
  url: string,
  options: { headers?: Record<string, string>; localAddress?: string; ca?: string } = {},
): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const socket = new WebSocket(url, {
      headers: options.headers,
      localAddress: options.localAddress,
      ca: options.ca,
    });
    socket.on('unexpected-response', (_request, response) => {
      resolveStatus(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      resolveStatus(101);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

export class HearthUnderTest implements AsyncDisposable {
  /** Where the server's log lines go (a file, as journald would take them, not a pipe). */
  readonly logFile: string;
  url = '';
  pairingUrl = '';
  /** The owner cookie (`hearth_owner=...`) the owner's clients present. */
  ownerCookie = '';
  readonly #child: ChildProcess;
  readonly #dataDir: string;
  readonly #waiting = new Map<number, (reply: ChildReply) => void>();
  readonly #clients = new Set<PhoneClient>();
  #nextId = 1;
  #exited: Promise<void>;

  private constructor(env: Record<string, string>) {
    this.#dataDir = mkdtempSync(join(tmpdir(), 'hearth-net-'));
    // A pipe this (busy) test process drains late would block the server's
    // log writes and stall its event loop, which is what these tests measure.
    this.logFile = join(this.#dataDir, 'hearth.log');
    const log = openSync(this.logFile, 'a');
    this.#child = fork(join(repoRoot, 'src', 'testing', 'net', 'hearthChild.ts'), [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: {
        ...process.env,
        HEARTH_HOST: '127.0.0.1',
        HEARTH_PORT: '0',
        HEARTH_DATA_DIR: this.#dataDir,
        HEARTH_MODEL: fixtureModel,
        HEARTH_THREADS: '1',
        HEARTH_TEMPERATURE: '0',
        HEARTH_MAX_TOKENS: '64',
        HEARTH_THERMAL_ZONE: join(this.#dataDir, 'no-sensor'),
        HEARTH_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    this.#child.on('message', (reply: ChildReply) => {
      if (reply.type === 'ready') return;
      this.#waiting.get(reply.id)?.(reply);
      this.#waiting.delete(reply.id);
    });
    this.#exited = new Promise((resolveExit) => this.#child.once('exit', () => resolveExit()));
  }

  /** Starts Hearth; env overrides the test defaults (e.g. HEARTH_MAX_TOKENS). */
  static async start(env: Record<string, string> = {}): Promise<HearthUnderTest> {
    const hearth = new HearthUnderTest(env);
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Hearth did not start\n${hearth.tail()}`)),
        START_TIMEOUT_MS,
      );
      hearth.#child.on('message', (reply: ChildReply) => {
        if (reply.type !== 'ready') return;
        clearTimeout(timer);
        hearth.url = reply.url;
        hearth.pairingUrl = reply.pairingUrl;
        hearth.ownerCookie = reply.ownerCookie;
        resolveReady();
      });
      hearth.#child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Hearth exited (${code}) before it was ready\n${hearth.tail()}`));
      });
    });
    return hearth;
  }

  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Over https (HEARTH_TLS=1): Hearth's own certificate, which this test's clients trust. */
  get ca(): string | undefined {
    const file = join(this.#dataDir, 'tls', 'hearth.pem');
    if (!this.url.startsWith('https:') || !existsSync(file)) return undefined;
    return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
      readFileSync(file, 'utf8'),
    )?.[0];
  }

  /** True while the server process runs. */
  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  tail(lines = 30): string {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    return text.split('\n').slice(-lines).join('\n');
  }

  /** Event loop lag and memory of the server process; resetLag starts a new lag window. */
  stats(resetLag = false): Promise<ChildStats> {
    return this.#ask({ type: 'stats', id: this.#nextId++, resetLag }) as Promise<ChildStats>;
  }

  async gc(): Promise<void> {
    await this.#ask({ type: 'gc', id: this.#nextId++ });
  }

  /** A protocol client with the owner cookie, from 127.0.0.1: the owner. Closed with the server. */
  async owner(options: Partial<PhoneClientOptions> = {}): Promise<PhoneClient> {
    return this.track(
      new PhoneClient({ url: this.wsUrl, cookie: this.ownerCookie, ca: this.ca, ...options }),
    ).connect();
  }

  /**
   * Pairs a new phone as a browser does: a fresh code from the owner, GET
   * /pair?code=... from the phone's address; returns its Cookie header value.
   */
  async pair(
    userAgent = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/130.0 Mobile',
  ): Promise<string> {
    const owner = await this.owner();
    try {
      const { url } = await owner.call('getPairing', {});
      const answer = await httpGet(url.replace(/^https?:\/\/[^/]+/, this.url), {
        ca: this.ca,
        localAddress: PHONE_ADDRESS,
        headers: { 'user-agent': userAgent },
      });
      const cookie = [answer.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0];
      if (answer.status !== 303 || !cookie) {
        throw new Error(`pairing failed: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
      return cookie;
    } finally {
      await owner.close();
      this.#clients.delete(owner);
    }
  }

  /** A paired phone's protocol client, from 127.0.0.2 (not yet connected). */
  phone(cookie: string, options: Partial<PhoneClientOptions> = {}): PhoneClient {
    return this.track(
      new PhoneClient({
        url: this.wsUrl,
        cookie,
        localAddress: PHONE_ADDRESS,
        ca: this.ca,
        ...options,
      }),
    );
  }

  /** Closes the client with the server, whatever the test does. */
  track(client: PhoneClient): PhoneClient {
    this.#clients.add(client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients].map((client) => client.close()));
    this.#clients.clear();
    if (this.alive) {
      this.#child.send({ type: 'stop' } satisfies ChildRequest);
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.#dataDir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #ask(request: ChildRequest & { id: number }): Promise<ChildReply> {
    return new Promise((resolveReply, reject) => {
      if (!this.alive) return reject(new Error(`Hearth is not running\n${this.tail()}`));
      this.#waiting.set(request.id, resolveReply);
      this.#child.send(request);
    });
  }
}
