// Phones on the LAN, over real HTTP on loopback. A phone's non-loopback address
// is stood in by the server's isLocalAddress option (() => false): every
// request then counts as coming from the network, exactly as the server would
// see a phone. The owner is whoever presents the owner cookie (a real owner
// secret in the test's data directory). Network-namespace tests show the same
// on a real LAN link.
import { startTestServer } from '../../testing/testServer';
import { healthReport } from '../runtime/health';
import { coolThermal } from '../../testing/serviceFakes';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rawGet, type RawAnswer } from '../../testing/net/rawGet';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { openTestOwner, type TestOwner } from '../../testing/testOwner';
import { createMemoryLogger } from '../../testing/loggers';
import { DEVICE_COOKIE } from '../pairing/deviceCookie';
import { machineAddresses } from '../pairing/lanAddress';
import { Pairing, type PairingOptions } from '../pairing/pairing';
import type { HearthServer, HearthServerOptions } from './httpServer';
import { WS_CLOSE } from './wsClose';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const HOSTNAME = 'hearth-test';

let root: string;
let staticDir: string;
let server: HearthServer | undefined;
let pairing: Pairing | undefined;
let fake: ReturnType<typeof createTestHearth> | undefined;
let owner: TestOwner | undefined;
/** Everything Pairing and the server logged, as written. */
let logger: ReturnType<typeof createMemoryLogger>;
const sockets: WebSocket[] = [];
/** Where requests go: the server's bound address. */
const address = '127.0.0.1';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-lan-'));
  staticDir = join(root, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Hearth</title>INDEX');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
  logger = createMemoryLogger();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  await fake?.hearth.dispose();
  await pairing?.dispose();
  await owner?.owner.dispose();
  owner = undefined;
  server = undefined;
  fake = undefined;
  pairing = undefined;
  rmSync(root, { recursive: true, force: true });
});

/** A server whose every caller is "on the network"; the owner is who sends ownerCookie(). */
async function start(
  options: {
    pairingOptions?: Partial<PairingOptions>;
  } & Partial<Omit<HearthServerOptions, 'pairing'>> = {},
) {
  const { pairingOptions, ...serverOptions } = options;
  const machine = machineAddresses({ read: () => ({ hostname: HOSTNAME, interfaces: {} }) });
  pairing = await Pairing.open({
    dataDir: join(root, 'data'),
    host: serverOptions.host ?? '127.0.0.1',
    port: 0,
    logger,
    machine,
    ...pairingOptions,
  });
  fake = createTestHearth({ pairing });
  owner = await openTestOwner(join(root, 'data'));
  server = await startTestServer({
    hearth: fake.hearth,
    staticDir,
    logger,
    pairing,
    machine,
    owner: owner.owner,
    isLocalAddress: () => false,
    ...serverOptions,
  });
  return { server, pairing };
}

/** The Cookie header of a browser that opened the owner page. */
function ownerCookie(): string {
  if (!owner) throw new Error('no server started');
  return owner.cookie;
}

function live(): { server: HearthServer; pairing: Pairing } {
  if (!server || !pairing) throw new Error('no server started');
  return { server, pairing };
}

function get(path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return rawGet({ host: address, port: live().server.port, path, headers });
}

/** The path and query of the current pairing URL. */
function pairPath(): string {
  const url = new URL(live().pairing.info().url);
  return `${url.pathname}${url.search}`;
}

function codeOf(path: string): string {
  return new URL(path, 'http://x').searchParams.get('code') ?? '';
}

/** Pairs as a phone; returns the Cookie header value it would send from now on. */
async function pairPhone(): Promise<{ cookie: string; token: string; answer: RawAnswer }> {
  const answer = await get(pairPath(), { 'User-Agent': ANDROID_CHROME });
  const setCookie = String(answer.headers['set-cookie'] ?? '');
  const token = new RegExp(`${DEVICE_COOKIE}=([^;]+)`).exec(setCookie)?.[1] ?? '';
  return { cookie: `${DEVICE_COOKIE}=${token}`, token, answer };
}

/** Opens /ws; resolves with the socket once open, or the refusal's status. */
function upgrade(headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${address}:${live().server.port}/ws`, { headers });
    sockets.push(socket);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('pairing a phone', () => {
  it('trades a good code for an HttpOnly, SameSite=Strict cookie and a 303 to /', async () => {
    await start();
    const { answer, token, cookie } = await pairPhone();
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/');
    const setCookie = String(answer.headers['set-cookie']);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    const home = await get('/', { Cookie: cookie });
    expect(home.status).toBe(200);
    expect(home.body).toContain('INDEX');
    expect(live().pairing.devices()).toMatchObject([{ name: 'Chrome on Android' }]);
  });

  it('rotates the code after use, and refuses the used one with a page that says what to do', async () => {
    await start();
    const used = pairPath();
    expect((await get(used)).status).toBe(303);
    expect(pairPath()).not.toBe(used);
    const again = await get(used);
    expect(again.status).toBe(403);
    expect(again.headers['content-type']).toMatch(/text\/html/);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('Connect a phone');
    expect(again.body).toMatch(/expired/);
    expect(live().pairing.devices()).toHaveLength(1);
  });

  it('refuses a wrong code and an expired code', async () => {
    await start({ pairingOptions: { codeTtlMs: 40 } });
    expect((await get('/pair?code=AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(403);
    expect((await get('/pair')).status).toBe(403);
    const expiring = pairPath();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const late = await get(expiring);
    expect(late.status).toBe(403);
    expect(late.headers['set-cookie']).toBeUndefined();
    expect(live().pairing.devices()).toEqual([]);
  });

  it('locks an address out after five wrong codes: 429 with Retry-After, even for the right code', async () => {
    await start();
    for (let i = 0; i < 5; i++) {
      expect((await get(`/pair?code=wrong-${i}-xxxxxxxxxxxxxx`)).status).toBe(403);
    }
    const locked = await get(pairPath());
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body).toContain('Too many wrong codes');
    expect(live().pairing.devices()).toEqual([]);
  });

  it('leaves the code unused when an already paired phone opens the URL again', async () => {
    await start();
    const { cookie } = await pairPhone();
    const path = pairPath();
    const again = await get(path, { Cookie: cookie });
    expect(again.status).toBe(303);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(pairPath()).toBe(path);
    expect(live().pairing.devices()).toHaveLength(1);
  });

  it('never writes the code or the token to the log, not even in a logged request URL', async () => {
    await start();
    const first = pairPath();
    // A bad Host is logged with its URL.
    expect((await get(first, { Host: `evil.example:${live().server.port}` })).status).toBe(421);
    await get('/pair?code=a-wrong-code-xxxxxxxxx');
    const { token } = await pairPhone();
    const second = pairPath();
    await get(second, { Host: `evil.example:${live().server.port}` });
    const written = JSON.stringify(logger.entries);
    expect(logger.entries.some((e) => e.eventType === 'http_rejected_host')).toBe(true);
    expect(logger.entries.some((e) => e.eventType === 'device_paired')).toBe(true);
    expect(written).not.toContain(codeOf(first));
    expect(written).not.toContain(codeOf(second));
    expect(written).not.toContain('a-wrong-code-xxxxxxxxx');
    expect(written).not.toContain(token);
  });
});

describe('who gets in', () => {
  it('shows an unpaired browser the page that says how to pair, for / and every static path', async () => {
    await start();
    for (const path of ['/', '/index.html', '/assets/app-1234.js', '/conversations/abc', '/ws']) {
      const page = await get(path);
      expect(page.status, path).toBe(401);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('On the Hearth screen, open Connect a phone and scan the code');
      expect(page.body).not.toContain('INDEX');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    const css = await get('/pairing.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  it('lets a browser with the owner cookie in without pairing', async () => {
    await start();
    expect((await get('/', { Cookie: ownerCookie() })).body).toContain('INDEX');
    expect(await upgrade({ Cookie: ownerCookie() })).toBeInstanceOf(WebSocket);
  });

  it('answers an unpaired WebSocket upgrade with 401 and a paired one by opening it', async () => {
    await start();
    expect(await upgrade()).toBe(401);
    expect(await upgrade({ Cookie: `${DEVICE_COOKIE}=${'x'.repeat(43)}` })).toBe(401);
    const { cookie } = await pairPhone();
    const socket = await upgrade({ Cookie: cookie });
    expect(socket).toBeInstanceOf(WebSocket);
    // The phone's client counts its open connection: the kiosk's device list shows it connected.
    const listed = await fake?.hearth.handlers.listDevices(
      {},
      { clientId: 'kiosk', role: 'owner' },
    );
    expect(listed?.[0]?.connected).toBe(true);
  });

  it('answers a foreign Origin with 403, even for a paired phone', async () => {
    await start();
    const { cookie } = await pairPhone();
    const port = live().server.port;
    expect(await upgrade({ Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade({ Cookie: cookie, Origin: `http://127.0.0.1:${port}` })).toBeInstanceOf(
      WebSocket,
    );
  });

  it('answers an unknown host name with 421, on HTTP and on the upgrade', async () => {
    await start();
    const port = live().server.port;
    const Cookie = ownerCookie();
    expect((await get('/', { Host: `rebind.evil.example:${port}`, Cookie })).status).toBe(421);
    expect(await upgrade({ Host: `rebind.evil.example:${port}`, Cookie })).toBe(421);
  });

  it('accepts a port-forwarded Host, <hostname>.local and configured names', async () => {
    await start({ allowedHosts: ['hearth.example', '.home.arpa'] });
    for (const host of [
      '127.0.0.1:1234',
      '127.0.0.1',
      `${HOSTNAME}.local:8737`,
      'hearth.example:80',
      'kitchen.home.arpa:8080',
    ]) {
      expect((await get('/healthz', { Host: host })).status, host).toBe(200);
    }
    expect(
      await upgrade({
        Host: '127.0.0.1:1234',
        Origin: 'http://127.0.0.1:1234',
        Cookie: ownerCookie(),
      }),
    ).toBeInstanceOf(WebSocket);
  });

  it('does not take the owner cookie on a request to a host name (a rebinding page)', async () => {
    await start();
    const page = await get('/', { Host: `${HOSTNAME}.local:8737`, Cookie: ownerCookie() });
    expect(page.status).toBe(401);
    expect(await upgrade({ Host: `${HOSTNAME}.local:8737`, Cookie: ownerCookie() })).toBe(401);
  });

  it('updates a device’s lastSeen when it comes back', async () => {
    await start();
    const { cookie } = await pairPhone();
    const [paired] = live().pairing.devices();
    await new Promise((resolve) => setTimeout(resolve, 15));
    await get('/', { Cookie: cookie });
    const [seen] = live().pairing.devices();
    expect(seen?.lastSeen).toBeGreaterThan(paired?.lastSeen ?? Infinity);
  });
});

describe('forgetting a device', () => {
  it('closes its sockets at once and makes its cookie useless', async () => {
    await start();
    const { cookie } = await pairPhone();
    const socket = await upgrade({ Cookie: cookie });
    if (!(socket instanceof WebSocket)) throw new Error(`upgrade refused: ${socket}`);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const [device] = live().pairing.devices();
    expect(await live().pairing.forget(device?.id ?? '')).toBe(true);
    expect(await closed).toBe(WS_CLOSE.forgotten.code);
    const page = await get('/', { Cookie: cookie });
    expect(page.status).toBe(401);
    // The stale cookie is removed, so the phone can pair afresh.
    expect(String(page.headers['set-cookie'])).toMatch(
      new RegExp(`^${DEVICE_COOKIE}=;.*Max-Age=0`),
    );
    expect(await upgrade({ Cookie: cookie })).toBe(401);
    expect(live().pairing.devices()).toEqual([]);
  });
});

describe('/healthz', () => {
  const pathError = 'could not load /home/pi/.local/share/hearth/models/secret-model.gguf';

  function failingModel(): void {
    if (!fake) throw new Error('no server started');
    // Built by the real report builder, which is where paths are taken out.
    Object.assign(fake.hearth, {
      health: () =>
        healthReport({
          model: () => ({
            state: 'error',
            name: '/home/pi/models/secret-model.gguf',
            error: pathError,
          }),
          thermal: () => coolThermal,
          answers: () => ({ active: 0, queued: 0 }),
          conversations: () => 3,
          sessions: () => ({ connected: 0, disconnected: 0 }),
          voice: () => ({ canHear: false, canSpeak: false }),
          voiceEngines: () => ({
            vad: { present: false },
            stt: { engine: 'none' },
            tts: { engine: 'none' },
          }),
        }),
    });
  }

  it('tells an unpaired caller only the status', async () => {
    await start();
    failingModel();
    const answer = await get('/healthz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ status: 'error' });
  });

  it('gives a paired device the whole report, with no absolute path in it', async () => {
    await start();
    const { cookie } = await pairPhone();
    failingModel();
    const answer = await get('/healthz', { Cookie: cookie });
    const report = JSON.parse(answer.body);
    expect(report).toMatchObject({
      status: 'error',
      model: { state: 'error', name: 'secret-model.gguf' },
      conversations: 3,
      sessions: { connected: 0, disconnected: 0 },
    });
    expect(report.model.error).toBe('could not load secret-model.gguf');
    expect(answer.body).not.toContain('/home/pi');
  });

  it('gives the owner the whole report', async () => {
    await start();
    const report = JSON.parse((await get('/healthz', { Cookie: ownerCookie() })).body);
    expect(report).toMatchObject({ status: 'ok', model: { state: 'ready' }, conversations: 0 });
  });
});
