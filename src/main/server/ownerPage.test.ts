// The owner page over real loopback sockets, with the server's own rule for
// this machine (loopback): from loopback, only the owner secret makes a browser
// the owner. A wrong secret gets a 403 page and counts against the address; the
// right one gets an HttpOnly, SameSite=Strict cookie and a redirect; rotating
// the secret closes owner sockets and makes old cookies useless.
import { startTestServer } from '../../testing/testServer';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeBuiltUi } from '../../testing/builtUi';
import { useCleanups } from '../../testing/cleanups';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { createMemoryLogger } from '../../testing/loggers';
import { rawGet } from '../../testing/net/rawGet';
import { TestClient } from '../../testing/wsTestClient';
import { machineAddresses } from '../pairing/lanAddress';
import { OWNER_COOKIE } from '../pairing/ownerCookie';
import { OwnerSecret } from '../pairing/ownerSecret';
import { Pairing } from '../pairing/pairing';
import { Redactor } from '../pairing/redact';
import { WS_CLOSE } from './wsClose';

const cleanups = useCleanups();

async function start() {
  const root = cleanups.scratchDir('hearth-owner-page-');
  const staticDir = writeBuiltUi(root);
  const logger = createMemoryLogger();
  const redactor = new Redactor();
  const dataDir = join(root, 'data');
  const machine = machineAddresses({ read: () => ({ hostname: 'hearth-test', interfaces: {} }) });
  const pairing = await Pairing.open({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logger,
    redactor,
    machine,
  });
  cleanups.defer(() => pairing.dispose());
  const owner = await OwnerSecret.open({ dataDir, logger, redactor });
  cleanups.defer(() => owner.dispose());
  const fake = createTestHearth({ pairing, ownerAccess: owner });
  cleanups.defer(() => fake.hearth.dispose());
  // No isLocalAddress: loopback is this machine, as in production.
  const server = await startTestServer({
    hearth: fake.hearth,
    staticDir,
    logger,
    pairing,
    owner,
    machine,
  });
  cleanups.defer(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawGet({ host: '127.0.0.1', port: server.port, path, headers });
  const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
  return { owner, pairing, logger, server, get, wsUrl };
}

/** Opens /ws; the socket once open, or the refusal's status. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    cleanups.defer(() => socket.terminate());
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', reject);
  });
}

/** The Cookie header a browser sends after the owner page set its cookie. */
function cookieFrom(setCookie: string | string[] | undefined): string {
  const header = [setCookie].flat().join('\n');
  const token = new RegExp(`${OWNER_COOKIE}=([^;]+)`).exec(header)?.[1];
  if (!token) throw new Error(`no owner cookie in ${header}`);
  return `${OWNER_COOKIE}=${token}`;
}

describe('a loopback browser without the owner cookie', () => {
  it('is unpaired: the page that says how to pair, 401 on the WebSocket, no API', async () => {
    const { get, wsUrl } = await start();
    const page = await get('/');
    expect(page.status).toBe(401);
    expect(page.body).toContain('Connect a phone');
    expect(page.body).toContain('Owner page:');
    expect(page.body).not.toContain('INDEX');
    expect(await upgrade(wsUrl)).toBe(401);
    // Not even with a made-up owner cookie of the right shape.
    expect(await upgrade(wsUrl, { Cookie: `${OWNER_COOKIE}=${'A'.repeat(43)}` })).toBe(401);
  });

  it('still reads the whole health report (this machine), but not through a proxy', async () => {
    const { get } = await start();
    expect(JSON.parse((await get('/healthz')).body)).toMatchObject({
      status: 'ok',
      model: { state: 'ready' },
      sessions: { connected: 0, disconnected: 0 },
    });
    const relayed = await get('/healthz', { 'X-Forwarded-For': '203.0.113.7' });
    expect(JSON.parse(relayed.body)).toEqual({ status: 'ok' });
  });
});

describe('GET /owner', () => {
  it('answers a wrong or missing secret with a 403 page and no cookie', async () => {
    const { get, owner } = await start();
    for (const path of ['/owner?secret=wrong', '/owner', `/owner?secret=${owner.secret}x`]) {
      const page = await get(path);
      expect(page.status, path).toBe(403);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('This owner page link does not work');
      expect(page.headers['set-cookie']).toBeUndefined();
    }
  });

  it('trades the right secret for an HttpOnly, SameSite=Strict cookie and a 303 to /, as often as it is opened', async () => {
    const { get, owner, wsUrl } = await start();
    for (let i = 0; i < 2; i++) {
      const answer = await get(`/owner?secret=${owner.secret}`);
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/');
      const setCookie = String(answer.headers['set-cookie']);
      expect(setCookie).toMatch(new RegExp(`^${OWNER_COOKIE}=[A-Za-z0-9_-]{43}; `));
      expect(setCookie.split('; ')).toEqual(
        expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']),
      );
      // The cookie holds a token derived from the secret, never the secret.
      expect(setCookie).not.toContain(owner.secret);
      const cookie = cookieFrom(answer.headers['set-cookie']);
      expect((await get('/', { Cookie: cookie })).body).toContain('INDEX');
      const client = await TestClient.open(wsUrl, { ws: { headers: { Cookie: cookie } } });
      cleanups.defer(() => client.socket.terminate());
      expect(await client.welcome()).toMatchObject({ role: 'owner' });
    }
  });

  it('locks an address out after five wrong secrets, even for the right one: 429 with Retry-After', async () => {
    const { get, owner } = await start();
    for (let i = 0; i < 5; i++) expect((await get(`/owner?secret=guess-${i}`)).status).toBe(403);
    const locked = await get(`/owner?secret=${owner.secret}`);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    expect(locked.body).toContain('Wait a minute, then try again.');
    expect(locked.headers['set-cookie']).toBeUndefined();
  });

  it('refuses the right secret through a proxy or at a host name, without looking at it', async () => {
    const { get, owner, logger } = await start();
    const path = `/owner?secret=${owner.secret}`;
    const tries: Record<string, string>[] = [
      { 'X-Forwarded-For': '203.0.113.7' },
      { Host: 'hearth-test.local' },
    ];
    for (const headers of tries) {
      const page = await get(path, headers);
      expect(page.status).toBe(403);
      expect(page.body).toContain('Open the owner page by its IP address');
      expect(page.headers['set-cookie']).toBeUndefined();
    }
    // Those did not count: five wrong secrets are still allowed before a lockout.
    expect(logger.entries.filter((e) => e.eventType === 'owner_refused')).toHaveLength(2);
    expect((await get(path)).status).toBe(303);
  });

  it('does not take a good owner cookie through a proxy, and does not clear it either', async () => {
    const { get, owner } = await start();
    const cookie = cookieFrom((await get(`/owner?secret=${owner.secret}`)).headers['set-cookie']);
    const relayed = await get('/', { Cookie: cookie, 'X-Forwarded-For': '203.0.113.7' });
    expect(relayed.status).toBe(401);
    expect(relayed.headers['set-cookie']).toBeUndefined();
    expect((await get('/', { Cookie: cookie })).body).toContain('INDEX');
  });

  it('never writes the secret or the cookie token to the log, not even in a logged request URL', async () => {
    const { get, owner, logger, server } = await start();
    const path = `/owner?secret=${owner.secret}`;
    await get(path, { Host: `evil.example:${server.port}` });
    const cookie = cookieFrom((await get(path)).headers['set-cookie']);
    await get('/', { Cookie: cookie, Host: `evil.example:${server.port}` });
    const written = JSON.stringify(logger.entries);
    expect(logger.entries.some((e) => e.eventType === 'http_rejected_host')).toBe(true);
    expect(logger.entries.some((e) => e.eventType === 'owner_signed_in')).toBe(true);
    expect(written).not.toContain(owner.secret);
    expect(written).not.toContain(cookie.split('=')[1]);
  });
});

describe('rotating the owner secret', () => {
  it('closes owner browsers’ sockets at once and makes their cookies useless; a phone stays', async () => {
    const { get, owner, pairing, wsUrl } = await start();
    const oldSecret = owner.secret;
    const cookie = cookieFrom((await get(`/owner?secret=${oldSecret}`)).headers['set-cookie']);
    const browser = await TestClient.open(wsUrl, { ws: { headers: { Cookie: cookie } } });
    cleanups.defer(() => browser.socket.terminate());
    await browser.snapshot();
    const pair = new URL(pairing.info().url);
    const paired = await get(`${pair.pathname}${pair.search}`);
    const phoneCookie = String(paired.headers['set-cookie']).split(';')[0] ?? '';
    const phone = await TestClient.open(wsUrl, { ws: { headers: { Cookie: phoneCookie } } });
    cleanups.defer(() => phone.socket.terminate());
    await phone.snapshot();

    // Asked for over the API, as the Settings button does.
    browser.send({ t: 'call', id: 1, name: 'rotateOwnerSecret', args: {} });
    expect(await browser.closed).toEqual(WS_CLOSE.revoked);

    const page = await get('/', { Cookie: cookie });
    expect(page.status).toBe(401);
    // The stale cookie is removed, so the browser starts afresh.
    expect(String(page.headers['set-cookie'])).toMatch(new RegExp(`^${OWNER_COOKIE}=;.*Max-Age=0`));
    expect(await upgrade(wsUrl, { Cookie: cookie })).toBe(401);
    expect((await get(`/owner?secret=${oldSecret}`)).status).toBe(403);
    // The phone is not an owner browser: it stays connected.
    expect(await phone.call('listConversations')).toMatchObject({ ok: true });
    // The new link works.
    expect((await get(`/owner?secret=${owner.secret}`)).status).toBe(303);
  });
});
