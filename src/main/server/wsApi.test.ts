// Sessions over real WebSockets on loopback: hello and welcome, resume after a
// dropped socket, takeover of a half-open one, roles, and a forgotten phone.
import { startTestServer } from '../../testing/testServer';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { NO_CALL_ID, type EventFrame, type ResultFrame } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { useCleanups } from '../../testing/cleanups';
import { openTestOwner } from '../../testing/testOwner';
import { startWsHarness, TestClient, type WsHarness } from '../../testing/wsTestClient';

const PHONE = fixedUuid(101);
let fake: ReturnType<typeof createTestHearth>;
const cleanup: (() => unknown)[] = [];
const scratch = useCleanups();

afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function harness(): Promise<WsHarness> {
  fake = createTestHearth();
  cleanup.push(() => fake.hearth.dispose());
  const started = await startWsHarness(fake.hearth, fake.logger);
  cleanup.push(() => started.close());
  return started;
}

async function client(url: string, options: Parameters<typeof TestClient.open>[1] = {}) {
  const opened = await TestClient.open(url, options);
  cleanup.push(() => opened.socket.terminate());
  return opened;
}

const deleted = (n: number): HearthEvent => ({
  type: 'conversationDeleted',
  conversationId: fixedUuid(n),
});
const isEvent = (f: { t: string }): f is EventFrame => f.t === 'event';
const eventSeqs = (c: TestClient) => c.frames.filter(isEvent).map((f) => f.seq);

describe('WebSocket sessions', () => {
  it('welcomes a browser with the owner cookie on the real server as the owner, then sends a snapshot', async () => {
    fake = createTestHearth();
    cleanup.push(() => fake.hearth.dispose());
    const secret = await openTestOwner(scratch.scratchDir('hearth-ws-owner-'));
    cleanup.push(() => secret.owner.dispose());
    const server = await startTestServer({
      hearth: fake.hearth,
      staticDir: '/nonexistent',
      host: '127.0.0.1',
      port: 0,
      logger: fake.logger,
      owner: secret.owner,
    });
    cleanup.push(() => server.close());
    const owner = await client(`${server.url.replace('http', 'ws')}/ws`, {
      ws: { headers: secret.headers },
    });
    expect(await owner.welcome()).toMatchObject({ resumed: false, role: 'owner' });
    expect(await owner.snapshot()).toMatchObject({ seq: 0, snapshot: { conversations: [] } });
    expect(owner.frames.map((f) => f.t)).toEqual(['welcome', 'snapshot']);
  });

  it('resumes a dropped phone: the missed events come in order, once, before new ones', async () => {
    const { url } = await harness();
    const first = await client(url, { device: PHONE });
    const welcome = await first.welcome();
    await first.snapshot();
    fake.events.fire(deleted(1));
    await first.next(isEvent);
    first.socket.terminate();
    await first.closed;
    await expect.poll(() => fake.hearth.clients.counts().disconnected).toBe(1);
    fake.events.fire(deleted(2));
    fake.events.fire(deleted(3));
    const back = await client(url, {
      device: PHONE,
      hello: {
        t: 'hello',
        resume: { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: 1 },
      },
    });
    expect(await back.welcome()).toMatchObject({ sessionId: welcome.sessionId, resumed: true });
    fake.events.fire(deleted(4));
    await back.next((f) => f.t === 'event' && f.seq === 4);
    expect(back.frames.map((f) => f.t)).toEqual(['welcome', 'event', 'event', 'event']);
    expect(eventSeqs(back)).toEqual([2, 3, 4]);
  });

  it('takes a session over from a half-open socket, closing the old one with 4000', async () => {
    const { url } = await harness();
    const stale = await client(url, { device: PHONE });
    const welcome = await stale.welcome();
    await stale.snapshot();
    const fresh = await client(url, {
      device: PHONE,
      hello: {
        t: 'hello',
        resume: { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: 0 },
      },
    });
    expect(await fresh.welcome()).toMatchObject({ resumed: true });
    expect(await stale.closed).toEqual({
      code: 4000,
      reason: 'session taken over by a newer connection',
    });
    fake.events.fire(deleted(1));
    await fresh.next(isEvent);
    expect(fake.hearth.clients.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('refuses owner commands from a phone with forbidden, and sends it no owner events', async () => {
    const { url } = await harness();
    const phone = await client(url, { device: PHONE });
    const owner = await client(url);
    expect(await phone.welcome()).toMatchObject({ role: 'device' });
    await phone.snapshot();
    await owner.snapshot();
    for (const name of ['getPairing', 'listDevices', 'startCoolingCheck']) {
      const args = name === 'startCoolingCheck' ? { durationSec: 10 } : {};
      expect(await phone.call(name, args)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(await owner.call('getPairing')).toMatchObject({ ok: true });
    fake.events.fire({ type: 'devices', devices: [] });
    fake.events.fire(deleted(1));
    await owner.next((f) => f.t === 'event' && f.seq === 2);
    await phone.next(isEvent);
    expect(phone.frames.filter(isEvent).map((f) => f.event.type)).toEqual(['conversationDeleted']);
  });

  it('closes every socket of a forgotten phone at once (4001), even one that never said hello', async () => {
    const { url } = await harness();
    const phone = await client(url, { device: PHONE });
    const welcome = await phone.welcome();
    const silent = await client(url, { device: PHONE, hello: false });
    const other = await client(url, { device: fixedUuid(102) });
    await other.welcome();
    fake.hearth.clients.forgetDevice(PHONE);
    expect((await phone.closed).code).toBe(4001);
    expect((await silent.closed).code).toBe(4001);
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    // Its session is gone: a resume gets a new one.
    const back = await client(url, {
      device: PHONE,
      hello: {
        t: 'hello',
        resume: { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: 0 },
      },
    });
    expect(await back.welcome()).toMatchObject({ resumed: false });
  });

  it('answers ping with pong, and bad frames with clear errors on an open socket', async () => {
    const { url } = await harness();
    const phone = await client(url, { device: PHONE });
    await phone.snapshot();
    phone.send({ t: 'ping', id: 5 });
    expect(await phone.next((f) => f.t === 'pong')).toEqual({ t: 'pong', id: 5 });
    phone.sendRaw('this is not json');
    phone.sendRaw(Buffer.from([1, 2, 3]));
    phone.send({ t: 'call', id: 41, name: 'launchMissiles', args: {} });
    const errors = async () => {
      await phone.next((f) => f.t === 'result' && f.id === 41);
      return phone.frames
        .filter((f): f is ResultFrame => f.t === 'result')
        .map((f) => [f.id, f.ok ? '' : f.error.message]);
    };
    expect(await errors()).toEqual([
      [NO_CALL_ID, 'frame is not valid JSON'],
      [NO_CALL_ID, 'bad audio frame: 3 bytes is shorter than its 8-byte header'],
      [41, 'unknown command: launchMissiles'],
    ]);
    expect(await phone.call('listConversations')).toMatchObject({ ok: true });
  });

  it('refuses a socket that comes with no principal, even from loopback', async () => {
    const { api } = await harness();
    for (const remoteAddress of ['192.168.1.20', '127.0.0.1']) {
      const { socket, terminated } = fakeSocket();
      api.accept(socket as never, { socket: { remoteAddress } } as never);
      expect(terminated(), remoteAddress).toBe(true);
    }
    expect(fake.logger.entries.find((e) => e.eventType === 'ws_refused')?.context).toMatchObject({
      reason: 'no principal',
    });
  });
});

/** Just enough of a ws socket to be refused. */
function fakeSocket() {
  let terminated = false;
  return {
    socket: { terminate: () => (terminated = true), readyState: 1 },
    terminated: () => terminated,
  };
}
