import { startTestServer, type TestServerOptions } from '../../testing/testServer';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { rawGet as rawGetFrom, type RawAnswer } from '../../testing/net/rawGet';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../shared/wire';
import { isTraversal, type HearthServer } from './httpServer';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { NO_CALL_ID } from '../../shared/wire';
import { fixedUuid } from '../../testing/ids';
import { openTestOwner, type TestOwner } from '../../testing/testOwner';

const CONVERSATION_ID = fixedUuid(1);
/** A well-formed id that names no conversation. */
const UNKNOWN_ID = fixedUuid(404);

let root: string;
let staticDir: string;
let server: HearthServer | undefined;
/** The server the current test started. */
function live(): HearthServer {
  if (!server) throw new Error('no server started');
  return server;
}
let fake: ReturnType<typeof createTestHearth>;
/** The owner these tests act as: requests and sockets present its cookie unless told not to. */
let owner: TestOwner | undefined;
const sockets: WebSocket[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-server-'));
  staticDir = join(root, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Hearth</title>INDEX');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET');
  writeFileSync(join(root, 'secret'), 'TOP-SECRET');
  fake = createTestHearth();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
  await owner?.owner.dispose();
  owner = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function start(extra: Partial<TestServerOptions> = {}): Promise<HearthServer> {
  owner = await openTestOwner(join(root, 'data'));
  server = await startTestServer({
    hearth: fake.hearth,
    staticDir,
    host: '127.0.0.1',
    port: 0,
    logger: fake.logger,
    owner: owner.owner,
    ...extra,
  });
  return server;
}

function ownerHeaders(): { Cookie: string } {
  if (!owner) throw new Error('no server started');
  return owner.headers;
}

/**
 * A raw GET as the owner, so paths reach the server exactly as written (fetch
 * would normalise ".."); `headers` may replace the owner cookie.
 */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return rawGetFrom({
    host: '127.0.0.1',
    port: live().port,
    path,
    headers: { ...ownerHeaders(), ...headers },
  });
}

interface TestClient {
  socket: WebSocket;
  frames: ServerFrame[];
  call(name: string, args?: unknown): Promise<ServerFrame>;
  sendRaw(data: string | Buffer): void;
  nextFrame(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
}

/** A socket as the owner (its cookie in the upgrade), then hello and the snapshot. */
async function connect(options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const socket = new WebSocket(`${live().url}/ws`, {
    ...options,
    headers: { ...ownerHeaders(), ...options.headers },
  });
  sockets.push(socket);
  const frames: ServerFrame[] = [];
  const waiters = new Set<{
    match: (f: ServerFrame) => boolean;
    resolve: (f: ServerFrame) => void;
  }>();
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    frames.push(frame);
    for (const waiter of waiters) {
      if (waiter.match(frame)) {
        waiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  // Every connection starts with hello; the session is caught up once its snapshot is in.
  socket.send(JSON.stringify({ t: 'hello' }));
  let nextId = 1;
  const nextFrame = (match: (frame: ServerFrame) => boolean, timeoutMs = 5000) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const found = frames.find(match);
      if (found) return resolve(found);
      const waiter = { match, resolve };
      waiters.add(waiter);
      setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error('timed out waiting for a frame'));
      }, timeoutMs).unref();
    });
  await nextFrame((f) => f.t === 'snapshot');
  return {
    socket,
    frames,
    nextFrame,
    sendRaw: (data) => socket.send(data),
    call: (name, args = {}) => {
      const id = nextId++;
      socket.send(JSON.stringify({ t: 'call', id, name, args }));
      return nextFrame((f) => f.t === 'result' && f.id === id);
    },
  };
}

function expectError(frame: ServerFrame, id: number, pattern: RegExp): void {
  expect(frame.t).toBe('result');
  if (frame.t !== 'result') return;
  expect(frame.id).toBe(id);
  expect(frame.ok).toBe(false);
  if (frame.ok) return;
  expect(frame.error.code).toBe('bad_request');
  expect(frame.error.message).toMatch(pattern);
}

describe('HTTP', () => {
  it('serves /healthz as JSON: 200 when ok or degraded, 503 on error', async () => {
    await start();
    const ok = await rawGet('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/application\/json/);
    const report = JSON.parse(ok.body);
    expect(report).toMatchObject({
      status: 'ok',
      model: { state: 'ready' },
      sessions: { connected: 0 },
    });
    fake.setStatus('degraded');
    expect((await rawGet('/healthz')).status).toBe(200);
    fake.setStatus('error');
    const bad = await rawGet('/healthz');
    expect(bad.status).toBe(503);
    expect(JSON.parse(bad.body).status).toBe('error');
  });

  it('counts WebSocket clients in the health report', async () => {
    await start();
    await connect();
    await connect();
    expect(JSON.parse((await rawGet('/healthz')).body).sessions.connected).toBe(2);
  });

  it('puts strict security headers on every response', async () => {
    await start();
    for (const path of ['/', '/healthz', '/assets/missing.js', '/../secret.txt']) {
      const res = await rawGet(path);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain('connect-src');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('serves the built UI with an SPA fallback, and 404 for missing assets', async () => {
    await start();
    const index = await rawGet('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('INDEX');
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const asset = await rawGet('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const route = await rawGet('/conversations/abc');
    expect(route.status).toBe(200);
    expect(route.body).toContain('INDEX');
    expect((await rawGet('/assets/nope.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/../secret',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
  ])('cannot walk out of the static folder: %s', async (path) => {
    await start();
    const res = await rawGet(path);
    expect(res.body).not.toContain('TOP-SECRET');
    expect([400, 404]).toContain(res.status);
  });

  it('refuses unknown Host headers (DNS rebinding) and other methods', async () => {
    await start();
    const res = await rawGet('/healthz', { Host: `evil.example:${live().port}` });
    expect(res.status).toBe(421);
    expect((await rawGet('/', { Host: `localhost:${live().port}` })).status).toBe(200);
    const post = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: live().port, path: '/', method: 'POST' },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('x');
    });
    expect(post).toBe(405);
  });

  it('answers 503 with a hint when the UI is not built', async () => {
    await start({ staticDir: join(root, 'missing') });
    const res = await rawGet('/');
    expect(res.status).toBe(503);
    expect(res.body).toMatch(/npm run build/);
    expect((await rawGet('/healthz')).status).toBe(200);
  });
});

describe('WebSocket API', () => {
  it('runs calls through dispatch and answers with result frames', async () => {
    await start();
    const client = await connect();
    const created = await client.call('newConversation');
    expect(created).toMatchObject({ t: 'result', ok: true, value: { title: 'New conversation' } });
    const id = (created as { value: { id: string } }).value.id;
    const sent = await client.call('sendPrompt', { conversationId: id, text: 'hi' });
    expect(sent).toMatchObject({ ok: true, value: { assistantMessageId: expect.any(String) } });
    const stored = (await client.call('openConversation', { id })) as {
      value: { messages: { text: string }[] };
    };
    expect(stored.value.messages.at(-1)?.text).toMatch(/^echo from [\w-]{22}: hi$/);
    const failed = await client.call('startCoolingCheck', { durationSec: 10 });
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(failed)).not.toContain('cooling check exploded');
    const missing = await client.call('openConversation', { id: UNKNOWN_ID });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(fake.logger.entries.some((e) => e.eventType === 'ws_connected')).toBe(true);
  });

  it('answers bad frames with clear errors and keeps the socket and server working', async () => {
    await start();
    const client = await connect();
    // Errors that belong to no call carry NO_CALL_ID; clear the log before each so they are told apart.
    const errorFor = () => client.nextFrame((f) => f.t === 'result' && f.id === NO_CALL_ID);

    client.sendRaw('this is not json');
    expectError(await errorFor(), NO_CALL_ID, /not valid JSON/);
    client.frames.length = 0;

    // Binary messages are audio frames now: three bytes cannot even hold the header.
    client.sendRaw(Buffer.from([1, 2, 3]));
    expectError(
      await errorFor(),
      NO_CALL_ID,
      /bad audio frame: 3 bytes is shorter than its 8-byte header/,
    );
    client.frames.length = 0;

    client.sendRaw(JSON.stringify({ t: 'call', id: 41, name: 'launchMissiles', args: {} }));
    expectError(
      await client.nextFrame((f) => f.t === 'result' && f.id === 41),
      41,
      /unknown command: launchMissiles/,
    );

    client.sendRaw(
      JSON.stringify({
        t: 'call',
        id: 42,
        name: 'sendPrompt',
        args: { conversationId: CONVERSATION_ID, text: '' },
      }),
    );
    expectError(
      await client.nextFrame((f) => f.t === 'result' && f.id === 42),
      42,
      /sendPrompt: text/,
    );

    client.sendRaw(
      JSON.stringify({
        t: 'call',
        id: 43,
        name: 'stop',
        args: { conversationId: CONVERSATION_ID, extra: 1 },
      }),
    );
    expectError(await client.nextFrame((f) => f.t === 'result' && f.id === 43), 43, /stop:/);

    client.frames.length = 0;
    client.sendRaw(JSON.stringify({ t: 'hello', id: 44 }));
    expectError(await errorFor(), NO_CALL_ID, /bad hello frame/);
    client.frames.length = 0;

    client.sendRaw(JSON.stringify([1, 2]));
    expectError(await errorFor(), NO_CALL_ID, /bad frame/);
    client.frames.length = 0;

    // Still the same socket, still working.
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(await client.call('listConversations')).toMatchObject({ ok: true, value: [] });
    const logged = fake.logger.entries.filter((e) => e.eventType === 'ws_bad_frame');
    expect(logged.length).toBe(5); // bad arguments are API errors, not bad frames
  });

  it('answers with an internal error when a result cannot be sent', async () => {
    await start();
    // A BigInt cannot be JSON-serialised: the caller must still hear back.
    fake.hearth.handlers.stop = async () => ({ stopped: 1n as unknown as boolean });
    const client = await connect();
    const frame = await client.call('stop', { conversationId: CONVERSATION_ID });
    expect(frame).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(fake.logger.entries.some((e) => e.eventType === 'ws_call_failed')).toBe(true);
    expect(await client.call('listConversations')).toMatchObject({ ok: true });
  });

  it('closes a socket that sends a frame above maxPayload (1009) and keeps serving others', async () => {
    await start({ maxPayloadBytes: 64 * 1024 });
    const client = await connect();
    const closed = new Promise<number>((resolve) =>
      client.socket.once('close', (code) => resolve(code)),
    );
    client.sendRaw('x'.repeat(100 * 1024));
    expect(await closed).toBe(1009);
    const other = await connect();
    expect(await other.call('listConversations')).toMatchObject({ ok: true });
  });

  it('sends every event to every open socket', async () => {
    await start();
    const a = await connect();
    const b = await connect();
    const created = (await a.call('newConversation')) as { value: { id: string } };
    await a.call('deleteConversation', { id: created.value.id });
    for (const client of [a, b]) {
      const frame = await client.nextFrame((f) => f.t === 'event');
      expect(frame).toMatchObject({
        t: 'event',
        event: { type: 'conversationDeleted', conversationId: created.value.id },
      });
    }
    fake.events.fire({ type: 'conversations', conversations: [] });
    for (const client of [a, b]) {
      const frame = await client.nextFrame(
        (f) => f.t === 'event' && f.event.type === 'conversations',
      );
      expect(frame).toMatchObject({ event: { conversations: [] } });
    }
  });

  it('rejects upgrades from another origin, accepts its own origin and non-browser clients', async () => {
    await start();
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${live().url}/ws`, { origin: 'http://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => reject(new Error('evil origin was accepted')));
      socket.on('error', () => {});
    });
    expect(status).toBe(403);
    const sameHostOtherPort = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${live().url}/ws`, { origin: 'http://127.0.0.1:1' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => {});
    });
    expect(sameHostOtherPort).toBe(403);
    expect(fake.logger.entries.some((e) => e.eventType === 'ws_rejected')).toBe(true);
    const own = await connect({ origin: live().url });
    expect(await own.call('listConversations')).toMatchObject({ ok: true });
    const script = await connect();
    expect(await script.call('listConversations')).toMatchObject({ ok: true });
  });

  it('refuses upgrades on other paths', async () => {
    await start();
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${live().url}/other`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it('disconnects a client that stops reading instead of buffering without bound', async () => {
    await start({ maxBufferedBytes: 256 * 1024 });
    const slow = await connect();
    const healthy = await connect();
    // The slow client stops reading its TCP socket: the kernel buffers fill, then ours would.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const title = 'y'.repeat(64 * 1024);
    for (
      let i = 0;
      i < 400 && !fake.logger.entries.some((e) => e.eventType === 'ws_slow_client');
      i++
    ) {
      fake.events.fire({
        type: 'conversations',
        conversations: [{ id: CONVERSATION_ID, title, updatedAt: 1, messageCount: 0 }],
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const entry = fake.logger.entries.find((e) => e.eventType === 'ws_slow_client');
    expect(entry).toBeDefined();
    expect(Number(entry?.context.bufferedBytes)).toBeLessThanOrEqual(256 * 1024);
    expect(JSON.parse((await rawGet('/healthz')).body).sessions.connected).toBe(1);
    expect(await healthy.call('listConversations')).toMatchObject({ ok: true });
  });

  it('pings and terminates sockets that stop answering', async () => {
    await start({ pingIntervalMs: 50 });
    const alive = await connect();
    const dead = await connect({ autoPong: false });
    const closed = new Promise<void>((resolve) => dead.socket.once('close', () => resolve()));
    await closed;
    expect(fake.logger.entries.some((e) => e.eventType === 'ws_dead')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(await alive.call('listConversations')).toMatchObject({ ok: true });
  });
});

describe('close()', () => {
  it('closes sockets with 1001 and leaves no server, socket or timer behind', async () => {
    const countOf = (list: string[], kind: string) => list.filter((r) => r === kind).length;
    const baseline = process.getActiveResourcesInfo();
    await start({ pingIntervalMs: 1000 });
    const client = await connect();
    await rawGet('/healthz');
    const code = new Promise<number>((resolve) => client.socket.once('close', (c) => resolve(c)));
    await live().close();
    expect(await code).toBe(1001);
    server = undefined;
    // Let the closed handles drop out of the loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = process.getActiveResourcesInfo();
    for (const kind of ['TCPServerWrap', 'TCPSocketWrap', 'Timeout']) {
      expect(countOf(after, kind), kind).toBeLessThanOrEqual(countOf(baseline, kind));
    }
    expect(fake.hearth.clients.counts().connected).toBe(0);
  });

  it('can be called twice, and then nothing listens and no connection is left', async () => {
    await start();
    const s = live();
    const client = await connect();
    const socketClosed = new Promise<number>((resolve) =>
      client.socket.once('close', (code) => resolve(code)),
    );
    // A browser's idle keep-alive connection: open, between requests.
    const idle = createConnection({ host: '127.0.0.1', port: s.port });
    await once(idle, 'connect');
    const idleClosed = once(idle, 'close');

    await Promise.all([s.close(), s.close()]);
    await s.close();
    server = undefined;

    expect(await socketClosed).toBe(1001);
    await idleClosed;
    const refused = createConnection({ host: '127.0.0.1', port: s.port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    expect(fake.logger.entries.filter((e) => e.eventType === 'server_closed')).toHaveLength(1);
    expect(fake.hearth.clients.counts().connected).toBe(0);
    expect(fake.hearth.clients.counts().connected).toBe(0);
  });
});

describe('isTraversal', () => {
  it('spots parent segments however they are encoded', () => {
    expect(isTraversal('/a/b.js')).toBe(false);
    expect(isTraversal('/a..b/c')).toBe(false);
    expect(isTraversal('/../x')).toBe(true);
    expect(isTraversal('/%2e%2e/x')).toBe(true);
    expect(isTraversal('/a/..%2f..%2fx')).toBe(true);
    expect(isTraversal('/a%5c..%5cx')).toBe(true);
    expect(isTraversal('/a%00')).toBe(true);
    expect(isTraversal('/%E0%A4%A')).toBe(true);
  });
});
