// Hearth over https, as a phone meets it: real TLS with Hearth's own
// certificate (trusted here by passing it as the CA, as a phone that accepted
// it does), the UI and /healthz over https, plain http on the same port sent
// to https, and pairing, the wss link and its resume working as over http.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_UI_MARKER, writeBuiltUi } from '../../testing/builtUi';
import { useCleanups } from '../../testing/cleanups';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { createMemoryLogger } from '../../testing/loggers';
import { httpGet, PHONE_ADDRESS, upgradeStatus } from '../../testing/net/hearthUnderTest';
import { PhoneClient } from '../../testing/net/phoneClient';
import { openTestOwner } from '../../testing/testOwner';
import { startTestServer } from '../../testing/testServer';
import { Pairing } from '../pairing/pairing';
import { openTlsCertificate, tlsNamesFor } from '../pairing/tlsCertificate';

const cleanups = useCleanups();
const PHONE_AGENT = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/130.0 Mobile';

async function start() {
  const dataDir = cleanups.scratchDir('hearth-https-');
  const staticDir = writeBuiltUi(dataDir);
  const logger = createMemoryLogger();
  const identity = await openTlsCertificate({
    dataDir,
    names: tlsNamesFor('127.0.0.1', 'hearth'),
    logger,
  });
  const pairing = await Pairing.open({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logger,
    https: { fingerprint: identity.fingerprint },
  });
  cleanups.defer(() => pairing.dispose());
  const owner = await openTestOwner(join(dataDir, 'owner'));
  cleanups.defer(() => owner.owner.dispose());
  const fake = createTestHearth({ pairing });
  cleanups.defer(() => fake.hearth.dispose());
  const server = await startTestServer({
    hearth: fake.hearth,
    staticDir,
    logger,
    pairing,
    owner: owner.owner,
    tls: { key: identity.key, cert: identity.cert },
  });
  cleanups.defer(() => server.close());
  const ca = identity.cert;
  const origin = `https://127.0.0.1:${server.port}`;
  /** Pairs a phone from PHONE_ADDRESS with the current code, over https. */
  const pair = () =>
    httpGet(pairing.info().url, {
      ca,
      localAddress: PHONE_ADDRESS,
      headers: { 'user-agent': PHONE_AGENT },
    });
  const phone = (cookie: string) => {
    const client = new PhoneClient({
      url: `wss://127.0.0.1:${server.port}/ws`,
      cookie,
      ca,
      localAddress: PHONE_ADDRESS,
    });
    cleanups.defer(() => client.close());
    return client;
  };
  return { server, identity, pairing, owner, ca, origin, pair, phone };
}

describe('Hearth over https', () => {
  it('serves the UI and /healthz over https with its own certificate, and a client that does not trust it gets nothing', async () => {
    const { server, ca, origin, owner } = await start();
    expect(server.url).toBe(origin);
    const page = await httpGet(`${origin}/`, { ca, headers: owner.headers });
    expect(page.status).toBe(200);
    expect(page.body).toContain(BUILT_UI_MARKER);
    const health = await httpGet(`${origin}/healthz`, { ca });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    // Real TLS: without the certificate as trusted, the handshake fails.
    await expect(httpGet(`${origin}/healthz`)).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('redirects plain http on the same port to https with a 308, for known host names only', async () => {
    const { server } = await start();
    const plain = `http://127.0.0.1:${server.port}`;
    const moved = await httpGet(`${plain}/pair?code=abc`);
    expect(moved.status).toBe(308);
    expect(moved.headers.location).toBe(`https://127.0.0.1:${server.port}/pair?code=abc`);
    const foreign = await httpGet(`${plain}/`, {
      headers: { host: `evil.example:${server.port}` },
    });
    expect(foreign.status).toBe(421);
    expect(foreign.headers.location).toBeUndefined();
    // A WebSocket over plain ws:// is refused, not upgraded in the clear.
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/ws`)).toBe(403);
  });

  it('pairs a phone over https: the URL is https with the fingerprint beside it, and the cookie is Secure', async () => {
    const { server, identity, pairing, pair } = await start();
    const info = pairing.info();
    expect(info.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${server.port}/pair\\?code=`));
    expect(info.fingerprint).toBe(identity.fingerprint);
    const paired = await pair();
    expect(paired.status).toBe(303);
    const cookie = [paired.headers['set-cookie'] ?? []].flat()[0] ?? '';
    expect(cookie).toMatch(/^hearth_device=[A-Za-z0-9_-]+;/);
    expect(cookie.split('; ')).toContain('Secure');
    expect(pairing.devices()).toHaveLength(1);
  });

  it('gives the owner page cookie Secure over https', async () => {
    const { ca, origin, owner } = await start();
    const answer = await httpGet(`${origin}/owner?secret=${owner.owner.secret}`, { ca });
    expect(answer.status).toBe(303);
    expect(([answer.headers['set-cookie'] ?? []].flat()[0] ?? '').split('; ')).toContain('Secure');
  });

  it('lets a paired phone talk over wss, and resumes its session after the link drops', async () => {
    const { pair, phone } = await start();
    const cookie = ([(await pair()).headers['set-cookie'] ?? []].flat()[0] ?? '').split(';')[0];
    const client = await phone(cookie ?? '').connect();
    expect(client.role).toBe('device');
    const conversation = await client.call('newConversation', {});
    const firstSession = client.sessionId;
    client.cut();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.welcomed();
    expect(client.welcomes).toHaveLength(2);
    expect(client.welcomes[1]).toMatchObject({ resumed: true, sessionId: firstSession });
    const list = await client.call('listConversations', {});
    expect(list.map((c) => c.id)).toContain(conversation.id);
    expect(client.violations).toEqual([]);
  });

  it('closes at once even while a connection has not sent its first byte', async () => {
    const { server } = await start();
    const { createConnection } = await import('node:net');
    const idle = createConnection(server.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closed = new Promise((resolve) => idle.once('close', resolve));
    const began = Date.now();
    await server.close();
    await closed;
    // Well under the 10 s a silent connection is otherwise given.
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('refuses a wss link without a pairing cookie, as over http', async () => {
    const { server, ca } = await start();
    const status = await upgradeStatus(`wss://127.0.0.1:${server.port}/ws`, {
      ca,
      headers: { origin: `https://127.0.0.1:${server.port}` },
    });
    expect(status).toBe(401);
  });
});
