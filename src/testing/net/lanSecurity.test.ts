// Who gets in, and what they may do, against a real Hearth: each attempt that
// must fail is refused with the right answer, and afterwards the server is
// unharmed (it still answers its owner at once and its paired phones converse).
// Phones dial from 127.0.0.x addresses other than 127.0.0.1, which this server
// treats as the LAN; each wrong-code test uses its own address, since wrong
// codes are counted per address.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName } from '../../shared/api';
import { askInNewConversation } from './conversing';
import { HearthUnderTest, httpGet, PHONE_ADDRESS, upgradeStatus } from './hearthUnderTest';
import { CallError, PhoneClient } from './phoneClient';

const CODE_TTL_MS = 3000;
const PHONE_AGENT = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/130.0 Mobile';

let hearth: HearthUnderTest;
let owner: PhoneClient;
const clients: PhoneClient[] = [];

beforeAll(async () => {
  hearth = await HearthUnderTest.start({ HEARTH_TEST_CODE_TTL_MS: String(CODE_TTL_MS) });
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  // Unharmed: still up, and the owner gets an answer at once.
  expect(hearth.alive).toBe(true);
  owner = await hearth.owner();
  const started = performance.now();
  await owner.call('getSnapshot', {});
  expect(performance.now() - started).toBeLessThan(500);
  await owner.close();
});

afterAll(async () => {
  await hearth?.close();
});

/** A phone's client, closed after the test. */
function client(options: ConstructorParameters<typeof PhoneClient>[0]): PhoneClient {
  const made = new PhoneClient({ localAddress: PHONE_ADDRESS, ...options });
  clients.push(made);
  return made;
}

async function asOwner<K extends CommandName>(name: K, args: CommandArgs<K>) {
  const me = await hearth.owner();
  try {
    return await me.call(name, args);
  } finally {
    await me.close();
  }
}

/** A pairing code from the owner, fresh. */
async function currentCode(): Promise<string> {
  const { url } = await asOwner('getPairing', {});
  return new URL(url).searchParams.get('code') ?? '';
}

const redeem = (code: string, from: string) =>
  httpGet(`${hearth.url}/pair?code=${encodeURIComponent(code)}`, {
    localAddress: from,
    headers: { 'user-agent': PHONE_AGENT },
  });

const setCookie = (headers: Record<string, string | string[] | undefined>): string[] =>
  [headers['set-cookie'] ?? []].flat();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('pairing', () => {
  it('an unpaired phone gets the page that says how to pair, and 401 on the socket', async () => {
    const page = await httpGet(`${hearth.url}/`, { localAddress: PHONE_ADDRESS });
    expect(page.status).toBe(401);
    expect(page.body).toMatch(/pair/i);
    expect(page.body).not.toContain('<script');
    expect(await upgradeStatus(hearth.wsUrl, { localAddress: PHONE_ADDRESS })).toBe(401);
  });

  it('a client on this machine without the owner cookie is no one: the pairing page and 401', async () => {
    const page = await httpGet(`${hearth.url}/`);
    expect(page.status).toBe(401);
    expect(page.body).toMatch(/pair/i);
    expect(await upgradeStatus(hearth.wsUrl)).toBe(401);
    expect(await upgradeStatus(hearth.wsUrl, { headers: { cookie: hearth.ownerCookie } })).toBe(
      101,
    );
  });

  it('a wrong code is refused and gives no cookie', async () => {
    const answer = await redeem('not-the-code', '127.0.0.3');
    expect(answer.status).toBe(403);
    expect(setCookie(answer.headers)).toEqual([]);
  });

  it('a code works once: the second phone to use it is refused', async () => {
    const code = await currentCode();
    const first = await redeem(code, '127.0.0.4');
    expect(first.status).toBe(303);
    expect(setCookie(first.headers)[0]).toMatch(/^hearth_device=.+HttpOnly/i);
    const second = await redeem(code, '127.0.0.5');
    expect(second.status).toBe(403);
    expect(setCookie(second.headers)).toEqual([]);
  });

  it('an expired code is refused', async () => {
    const code = await currentCode();
    await sleep(CODE_TTL_MS + 300);
    const answer = await redeem(code, '127.0.0.6');
    expect(answer.status).toBe(403);
    expect(setCookie(answer.headers)).toEqual([]);
  });

  it('wrong codes are rate-limited: after five, even the right code must wait', async () => {
    for (let i = 0; i < 5; i++) expect((await redeem(`guess-${i}`, '127.0.0.7')).status).toBe(403);
    const locked = await redeem(await currentCode(), '127.0.0.7');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(setCookie(locked.headers)).toEqual([]);
  });

  it('a forgotten device is cut off at once, and must pair again', async () => {
    const cookie = await hearth.pair(PHONE_AGENT);
    const phone = client({ url: hearth.wsUrl, cookie, reconnect: false });
    await phone.connect();
    const devices = await asOwner('listDevices', {});
    const newest = [...devices].sort((a, b) => b.firstSeen - a.firstSeen)[0];
    expect(newest?.connected).toBe(true);
    const forgotten = Date.now();
    await asOwner('forgetDevice', { deviceId: newest?.id ?? '' });
    await until(() => phone.closes.length > 0);
    expect(Date.now() - forgotten).toBeLessThan(1000);
    expect(phone.closes[0]?.code).toBe(4001);
    const headers = { cookie };
    expect(await upgradeStatus(hearth.wsUrl, { headers, localAddress: PHONE_ADDRESS })).toBe(401);
    const page = await httpGet(`${hearth.url}/`, { headers, localAddress: PHONE_ADDRESS });
    expect(page.status).toBe(401);
    // The dead cookie is cleared, so the phone can pair afresh.
    expect(setCookie(page.headers)[0]).toMatch(/^hearth_device=;/);
  });
});

describe('the socket', () => {
  it('a page from a foreign Origin gets 403, even with a paired cookie', async () => {
    const cookie = await hearth.pair();
    for (const origin of ['http://evil.example', 'null', `${hearth.url}.evil.example`]) {
      const headers = { cookie, origin };
      expect(await upgradeStatus(hearth.wsUrl, { headers, localAddress: PHONE_ADDRESS })).toBe(403);
    }
  });

  it('a Host name Hearth does not know gets 421, over HTTP and WebSocket', async () => {
    const headers = {
      host: `evil.example:${hearth.port}`,
      origin: `http://evil.example:${hearth.port}`,
    };
    expect((await httpGet(`${hearth.url}/`, { headers })).status).toBe(421);
    expect(await upgradeStatus(hearth.wsUrl, { headers })).toBe(421);
    // An address with another port is what a port forward sends: it is served.
    const forwarded = { host: '127.0.0.1:1234' };
    expect((await httpGet(`${hearth.url}/healthz`, { headers: forwarded })).status).not.toBe(421);
  });

  it("another session's id without its secret gets a new session, and none of its events", async () => {
    const a = client({ url: hearth.wsUrl, cookie: await hearth.pair() });
    await a.connect();
    const token = a.resumeToken;
    if (!token) throw new Error('no session');
    const answered = await askInNewConversation(a, 'Tell me a story about a cat.');
    const guesses = [
      // Its id with a made-up secret, from another phone.
      { cookie: await hearth.pair(), secret: 'guessed' },
      // Its id and even its secret, but from another phone: the secret is bound to A's device.
      { cookie: await hearth.pair(), secret: token.secret },
    ];
    for (const guess of guesses) {
      const b = client({
        url: hearth.wsUrl,
        cookie: guess.cookie,
        resume: { sessionId: token.sessionId, secret: guess.secret, lastSeq: 0 },
      });
      const frames: string[] = [];
      b.onFrame((frame) => frames.push(frame.t === 'event' ? frame.event.type : frame.t));
      await b.connect();
      expect(b.welcomes[0]).toMatchObject({ resumed: false, role: 'device' });
      expect(b.sessionId).not.toBe(token.sessionId);
      await sleep(200);
      // A fresh start (welcome, snapshot), not A's missed events replayed.
      expect(frames.slice(0, 2)).toEqual(['welcome', 'snapshot']);
      expect(frames).not.toContain('tokens');
      expect([...b.shown.keys()]).not.toContain(answered.id);
    }
    // A's session is untouched: A still resumes it.
    a.cut();
    await until(() => a.welcomes.length === 2);
    expect(a.welcomes[1]).toMatchObject({ resumed: true, sessionId: token.sessionId });
  });

  it('an oversized frame closes the socket (1009) before it is parsed, and the session resumes', async () => {
    const phone = client({ url: hearth.wsUrl, cookie: await hearth.pair() });
    await phone.connect();
    phone.sendRaw(JSON.stringify({ t: 'ping', id: 1, pad: 'x'.repeat(70 * 1024) }));
    await until(() => phone.closes.length > 0);
    expect(phone.closes[0]?.code).toBe(1009);
    await until(() => phone.welcomes.length === 2);
    expect(phone.welcomes[1]).toMatchObject({ resumed: true, sessionId: phone.sessionId });
  });

  it('a flood is refused, then cut off, again and again, while the owner keeps getting answers at once', async () => {
    const cookie = await hearth.pair();
    // A phone's every connection floods, and comes back for more each time it is cut off.
    const flooders = Array.from({ length: 4 }, () =>
      client({ url: hearth.wsUrl, cookie, retryMs: 0 }),
    );
    const refusals: string[] = [];
    for (const flooder of flooders) {
      flooder.onFrame((frame) => {
        if (frame.t === 'result' && !frame.ok) refusals.push(frame.error.code);
      });
    }
    await Promise.all(flooders.map((flooder) => flooder.connect()));
    const watcher = await hearth.owner({ heartbeatMs: 50 });
    clients.push(watcher);
    await hearth.stats(true);
    const frame = JSON.stringify({ t: 'call', id: 1, name: 'getSnapshot', args: {} });
    const until2s = Date.now() + 2000;
    while (Date.now() < until2s) {
      for (const flooder of flooders) {
        if (!flooder.connected) continue;
        for (let i = 0; i < 50; i++) flooder.sendRaw(frame);
      }
      await sleep(1);
    }
    const { stall } = await hearth.stats();
    for (const flooder of flooders) {
      expect(flooder.closes.length).toBeGreaterThan(0);
      expect(flooder.closes.every((close) => close.code === 1008)).toBe(true);
      // Cut off, not thrown out: it comes back to the same session.
      expect(flooder.welcomes.slice(1).every((w) => w.resumed)).toBe(true);
    }
    expect(refusals).toContain('rate_limited');
    // The kiosk's own loop never stalled; the round trip also carries this
    // test's busy loop, so its typical figure is what is held to the bound.
    expect(stall.ownMaxMs).toBeLessThan(50);
    expect(watcher.heartbeats.length).toBeGreaterThan(20);
    expect(median(watcher.heartbeats)).toBeLessThan(50);
  });

  it('owner actions from a phone are refused as forbidden, and nothing happens', async () => {
    const phone = client({ url: hearth.wsUrl, cookie: await hearth.pair() });
    await phone.connect();
    expect(phone.role).toBe('device');
    const [device] = await asOwner('listDevices', {});
    const attempts: [CommandName, unknown][] = [
      ['startCoolingCheck', { durationSec: 5 }],
      ['stopCoolingCheck', {}],
      ['getPairing', {}],
      ['listDevices', {}],
      ['forgetDevice', { deviceId: device?.id }],
      ['getSettings', {}],
      ['updateSettings', { theme: 'dark', kioskPin: '1234' }],
      ['exitKiosk', { pin: '1234' }],
    ];
    for (const [name, args] of attempts) {
      const refused = await phone.call(name, args as never).catch((error: unknown) => error);
      expect(refused, name).toBeInstanceOf(CallError);
      expect((refused as CallError).code, name).toBe('forbidden');
    }
    expect((await asOwner('getSnapshot', {})).coolingCheck.state).not.toBe('running');
    expect((await asOwner('listDevices', {})).map((d) => d.id)).toContain(device?.id);
    expect(await asOwner('getSettings', {})).toMatchObject({ theme: 'system', kioskPinSet: false });
  });

  it('a paired phone still converses after all of the above', async () => {
    const phone = client({ url: hearth.wsUrl, cookie: await hearth.pair() });
    await phone.connect();
    expect((await askInNewConversation(phone, 'Tell me a story.')).status).toBe('complete');
  });
});
