// Starts and stops a real headless Hearth (`node out/main/serve.js`) for a test,
// with its own data directory and port, and waits for "Hearth listening on" and
// the "Owner page:" link. Loopback is no one in particular: a page or an API
// call acts as the owner by opening that link first (openAsOwner, callApi).
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { waitUntilReady } from './ui';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const serveScript = join(repoRoot, 'out', 'main', 'serve.js');
export const fixtureModel = resolve(repoRoot, '..', 'shared', 'models', 'stories260K.gguf');

const READY_LINE = /Hearth listening on (https?:\/\/\S+)/;
/** Printed after the pairing line; the newest one is the link that works. */
export const OWNER_LINE = /^Owner page: (https?:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export function assertBuilt(): void {
  for (const file of [serveScript, join(repoRoot, 'out', 'renderer', 'index.html')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The settings every e2e server gets: the fixture model, one thread, deterministic answers. */
export function baseEnv(dataDir: string, port: number): Record<string, string> {
  return {
    HEARTH_HOST: '127.0.0.1',
    HEARTH_PORT: String(port),
    HEARTH_DATA_DIR: dataDir,
    HEARTH_MODEL: fixtureModel,
    HEARTH_THREADS: '1',
    HEARTH_TEMPERATURE: '0',
    HEARTH_MAX_TOKENS: '64',
    HEARTH_LOG_LEVEL: 'info',
  };
}

/** A running Hearth a test can act on as the owner. */
export interface OwnerEndpoint {
  /** http://127.0.0.1:<port>, where the test reaches it. */
  readonly url: string;
  /** The Cookie header (`hearth_owner=...`) of a browser that opened the owner page. */
  ownerCookie(): Promise<string>;
}

/** Opens an owner page link as a browser would; resolves to the Cookie header it set. */
export async function ownerCookieFrom(ownerUrl: string): Promise<string> {
  const answer = await fetch(ownerUrl, { redirect: 'manual' });
  const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('hearth_owner='));
  if (answer.status !== 303 || !cookie) {
    throw new Error(`the owner page answered ${answer.status}: ${await answer.text()}`);
  }
  return cookie.split(';')[0] ?? '';
}

/**
 * Makes the page's browser the owner (the owner page sets its cookie and
 * redirects to /), then opens `path` if it is not /.
 */
export async function openAsOwner(
  page: Page,
  server: { url: string; ownerUrl: string },
  path = '/',
): Promise<void> {
  await page.goto(server.ownerUrl);
  if (path !== '/') await page.goto(`${server.url}${path}`);
}

/**
 * The start of most browser tests: starts Hearth (`env` overrides the
 * defaults), opens `path` in the page as the owner, and waits until the model
 * can take a prompt. Resolves to the running server.
 */
export async function startAsOwner(
  page: Page,
  hearth: HearthFixture,
  options: { env?: Record<string, string>; path?: string } = {},
): Promise<HearthProcess> {
  const server = await hearth.start(options.env);
  await openAsOwner(page, server, options.path);
  await waitUntilReady(page);
  return server;
}

/** One `node out/main/serve.js` (or `node scripts/start.mjs`) child. */
export class HearthProcess implements OwnerEndpoint {
  readonly output: string[] = [];
  url = '';
  /** The newest "Owner page:" link it printed (a rotation prints a new one). */
  ownerUrl = '';
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> | undefined;
  #cookie: { link: string; cookie: string } | undefined;

  /** `script` is serve.js, or scripts/start.mjs to test `npm start`'s headless fallback. */
  constructor(
    readonly env: Record<string, string>,
    readonly script: string = serveScript,
    /** Runs node under this command, e.g. `ip netns exec NS` to start Hearth in a network namespace. */
    readonly launcher: readonly string[] = [],
  ) {}

  get running(): boolean {
    return !!this.#child && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async start(): Promise<this> {
    assertBuilt();
    const [command = process.execPath, ...args] = [...this.launcher, process.execPath, this.script];
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    const ready = new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`Hearth did not start within ${START_TIMEOUT_MS} ms\n${this.tail()}`)),
        START_TIMEOUT_MS,
      );
      let listening: string | undefined;
      // Ready once both lines are out: where it listens, then (after the pairing line) the owner page.
      const onLine = (line: string): void => {
        this.output.push(line);
        listening ??= READY_LINE.exec(line)?.[1];
        const owner = OWNER_LINE.exec(line)?.[1];
        if (owner) this.ownerUrl = owner;
        if (listening && this.ownerUrl) {
          clearTimeout(timer);
          resolveUrl(listening);
        }
      };
      for (const stream of [child.stdout, child.stderr]) {
        let pending = '';
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          lines.forEach(onLine);
        });
      }
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Hearth exited (${code ?? signal}) before listening\n${this.tail()}`));
      });
    });
    this.url = await ready;
    return this;
  }

  /** The owner cookie for the current owner page link, fetched once per link. */
  async ownerCookie(): Promise<string> {
    if (this.#cookie?.link !== this.ownerUrl) {
      this.#cookie = { link: this.ownerUrl, cookie: await ownerCookieFrom(this.ownerUrl) };
    }
    return this.#cookie.cookie;
  }

  /** SIGTERM, as a service manager would; SIGKILL if it does not stop in time. */
  async stop(): Promise<number | null> {
    if (!this.#child || !this.running) return (await this.#exited) ?? null;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await this.#exited;
    clearTimeout(timer);
    return code ?? null;
  }

  /** kill -9: no chance to save anything. */
  async kill(): Promise<void> {
    if (!this.#child || !this.running) return;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Parsed JSON log lines. */
  logs(): { level?: string; event_type?: string; context?: Record<string, unknown> }[] {
    return this.output.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
  }
}

/**
 * A small API client over the server's WebSocket, acting as the owner (with
 * the owner cookie), to check what the UI shows against the server.
 */
export async function callApi(
  server: OwnerEndpoint,
  name: string,
  args: unknown = {},
): Promise<unknown> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, {
    headers: { cookie: await server.ownerCookie() },
  });
  try {
    await new Promise<void>((resolveOpen, reject) => {
      socket.once('open', () => resolveOpen());
      socket.once('error', reject);
    });
    return await new Promise((resolveCall, reject) => {
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as {
          t: string;
          id?: number;
          ok?: boolean;
          value?: unknown;
          error?: { message: string };
        };
        if (frame.t !== 'result' || frame.id !== 1) return;
        if (frame.ok) resolveCall(frame.value);
        else reject(new Error(`${name}: ${frame.error?.message}`));
      });
      // Every connection starts with a hello; its welcome and snapshot are not looked at.
      socket.send(JSON.stringify({ t: 'hello' }));
      socket.send(JSON.stringify({ t: 'call', id: 1, name, args }));
    });
  } finally {
    socket.close();
  }
}

/** A temperature sensor file the test controls, in millidegrees as the Pi's sysfs zone gives it. */
export function zoneFile(dir: string): { path: string; set(celsius: number): void } {
  const path = join(dir, 'temp');
  return { path, set: (celsius) => writeFileSync(path, `${Math.round(celsius * 1000)}\n`) };
}

export interface HearthFixture {
  /** This test's data directory (removed afterwards). */
  dataDir: string;
  port: number;
  /** Starts a server on this test's data directory and port; `env` overrides the defaults. */
  start(env?: Record<string, string>): Promise<HearthProcess>;
  /** Stops the running server and starts it again on the same data directory and port. */
  restart(env?: Record<string, string>): Promise<HearthProcess>;
  /** A scratch directory for files a test makes (removed afterwards). */
  scratch: string;
}

export const test = base.extend<{ hearth: HearthFixture }>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: it must be {}.
  // eslint-disable-next-line no-empty-pattern
  hearth: async ({}, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-data-'));
    const scratch = mkdtempSync(join(tmpdir(), 'hearth-e2e-scratch-'));
    const port = await freePort();
    const processes: HearthProcess[] = [];
    let current: HearthProcess | undefined;
    let lastEnv: Record<string, string> = {};
    const start = async (env: Record<string, string> = {}): Promise<HearthProcess> => {
      lastEnv = env;
      current = new HearthProcess({ ...baseEnv(dataDir, port), ...env });
      processes.push(current);
      return current.start();
    };
    await use({
      dataDir,
      port,
      scratch,
      start,
      restart: async (env) => {
        await current?.stop();
        return start(env ?? lastEnv);
      },
    });
    for (const child of processes) await child.stop();
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const [i, child] of processes.entries()) {
        await testInfo.attach(`server-${i + 1}.log`, {
          body: child.output.join('\n'),
          contentType: 'text/plain',
        });
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  },
});

export { expect };
