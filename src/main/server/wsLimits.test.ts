// The production WebSocket limits, shown enforced by a server started the way
// serve.ts and the kiosk start it: with no limits passed. The numbers are written
// out here on purpose: raising or removing a default must fail one of these tests.
import { startTestServer } from '../../testing/testServer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { HearthEvent } from '../../shared/api';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { openTestOwner } from '../../testing/testOwner';
import { startWsHarness, TestClient } from '../../testing/wsTestClient';
import type { HearthServer } from './httpServer';

const KiB = 1024;
const MiB = 1024 * KiB;

let fake: ReturnType<typeof createTestHearth>;
let server: HearthServer | undefined;
const cleanup: (() => unknown)[] = [];
/** The owner cookie the sockets present on the real server (the harness names principals itself). */
let ownerCookie = '';

beforeEach(() => {
  fake = createTestHearth();
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const done of cleanup.splice(0).reverse()) await done();
  await server?.close();
  server = undefined;
  await fake.hearth.dispose();
});

/** No limits passed: whatever the defaults are is what runs. */
async function startWithDefaults(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-ws-limits-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { owner, cookie } = await openTestOwner(dataDir);
  cleanup.push(() => owner.dispose());
  ownerCookie = cookie;
  server = await startTestServer({
    hearth: fake.hearth,
    staticDir: '/nonexistent',
    host: '127.0.0.1',
    port: 0,
    logger: fake.logger,
    owner,
  });
  return `${server.url.replace('http', 'ws')}/ws`;
}

async function open(url: string, options: Parameters<typeof TestClient.open>[1] = {}) {
  const headers = { Cookie: ownerCookie, ...options.ws?.headers };
  const client = await TestClient.open(url, { ...options, ws: { ...options.ws, headers } });
  cleanup.push(() => client.socket.terminate());
  return client;
}

/** A valid call frame of exactly `bytes` bytes: JSON allows trailing whitespace. */
function callOfSize(id: number, bytes: number): string {
  const frame = JSON.stringify({ t: 'call', id, name: 'listConversations', args: {} });
  return frame + ' '.repeat(bytes - frame.length);
}

/** An event every client is sent, carrying `bytes` of text. */
function bigEvent(bytes: number): HearthEvent {
  const summary = { id: fixedUuid(1), title: 'y'.repeat(bytes), updatedAt: 1, messageCount: 0 };
  return { type: 'conversations', conversations: [summary] };
}

describe('the production WebSocket limits', () => {
  it('answers a frame of 64 KiB; one byte more closes the socket (1009) unparsed, and the session resumes', async () => {
    const url = await startWithDefaults();
    const phone = await open(url);
    const welcome = await phone.welcome();
    await phone.snapshot();
    phone.sendRaw(callOfSize(1, 64 * KiB));
    expect(await phone.next((f) => f.t === 'result' && f.id === 1)).toMatchObject({ ok: true });

    const parse = vi.spyOn(JSON, 'parse');
    phone.sendRaw(callOfSize(2, 64 * KiB + 1));
    expect((await phone.closed).code).toBe(1009);
    // ws stopped reading it: it never reached JSON.parse nor the endpoint.
    const parsedBig = parse.mock.calls.some(([text]) => String(text).length > 64 * KiB);
    expect(parsedBig).toBe(false);
    expect(phone.frames.some((f) => f.t === 'result' && f.id === 2)).toBe(false);
    expect(fake.logger.entries.some((e) => e.eventType === 'ws_bad_frame')).toBe(false);
    vi.restoreAllMocks();

    fake.events.fire({ type: 'conversationDeleted', conversationId: fixedUuid(9) });
    const resume = { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: phone.lastSeq };
    const back = await open(url, { hello: { t: 'hello', resume } });
    expect(await back.welcome()).toMatchObject({ resumed: true });
    expect(await back.next((f) => f.t === 'event')).toMatchObject({
      seq: 1,
      event: { type: 'conversationDeleted' },
    });
  });

  it('cuts off a client that stops reading once 4 MiB wait unsent for it', async () => {
    const url = await startWithDefaults();
    const slow = await open(url);
    const healthy = await open(url);
    await slow.snapshot();
    await healthy.snapshot();
    // The slow client stops reading its TCP socket: the kernel buffers fill, then ours.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const event = bigEvent(64 * KiB);
    const cutOff = () => fake.logger.entries.find((e) => e.eventType === 'ws_slow_client');
    // Far more than 4 MiB plus what the kernel can buffer, so a missing limit fails here.
    for (let sent = 0; sent < 64 * MiB && !cutOff(); sent += 64 * KiB) {
      fake.events.fire(event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const buffered = Number(cutOff()?.context.bufferedBytes);
    // Cut when the next frame would pass 4 MiB: not later, and not much sooner.
    expect(buffered).toBeLessThanOrEqual(4 * MiB);
    expect(buffered).toBeGreaterThan(4 * MiB - 2 * 65 * KiB);
    expect(fake.hearth.clients.counts().connected).toBe(1);
    expect(await healthy.call('listConversations')).toMatchObject({ ok: true });
  });

  it('holds 64 connections; the 65th is closed with 1013', async () => {
    const harness = await startWsHarness(fake.hearth, fake.logger);
    cleanup.push(() => harness.close());
    const clients = [];
    for (let i = 0; i < 64; i++) clients.push(await open(harness.url, { hello: false }));
    const extra = await open(harness.url, { hello: false });
    expect((await extra.closed).code).toBe(1013);
    expect(harness.api.connections()).toBe(64);
    clients[0]?.socket.terminate();
    await clients[0]?.closed;
    await expect.poll(() => harness.api.connections()).toBe(63);
    const next = await open(harness.url);
    expect(await next.welcome()).toMatchObject({ resumed: false });
  });

  it('holds 4 connections per phone; its 5th is closed with 1013, another phone still gets in', async () => {
    const harness = await startWsHarness(fake.hearth, fake.logger);
    cleanup.push(() => harness.close());
    const phone = fixedUuid(101);
    for (let i = 0; i < 4; i++) await (await open(harness.url, { device: phone })).welcome();
    const fifth = await open(harness.url, { device: phone });
    expect(await fifth.closed).toEqual({
      code: 1013,
      reason: 'too many connections; try again later',
    });
    const other = await open(harness.url, { device: fixedUuid(102) });
    expect(await other.welcome()).toMatchObject({ role: 'device' });
  });

  it('closes a flooding socket (1008); its session resumes afterwards', async () => {
    const url = await startWithDefaults();
    const flooder = await open(url);
    const welcome = await flooder.welcome();
    await flooder.snapshot();
    // One message of many frames: they arrive at once, far past 20 a second.
    for (let i = 0; i < 400; i++) flooder.send({ t: 'ping', id: i });
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'too many messages' });
    const resume = { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: 0 };
    const back = await open(url, { hello: { t: 'hello', resume } });
    expect(await back.welcome()).toMatchObject({ resumed: true, sessionId: welcome.sessionId });
  });

  describe('with the ping clock faked', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    });
    afterEach(async () => {
      // The server's interval belongs to the fake clock: clear it before the clock goes.
      await server?.close();
      server = undefined;
      vi.useRealTimers();
    });

    it('pings every 30 s and terminates a socket that missed the last ping', async () => {
      const url = await startWithDefaults();
      const alive = await open(url);
      const dead = await open(url, { ws: { autoPong: false } });
      let pings = 0;
      alive.socket.on('ping', () => pings++);

      vi.advanceTimersByTime(30_000 - 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pings).toBe(0);
      vi.advanceTimersByTime(1);
      await vi.waitFor(() => expect(pings).toBe(1));
      expect(dead.socket.readyState).toBe(WebSocket.OPEN);
      // A call answered after the ping means the server has read the pong sent before it.
      expect(await alive.call('listConversations')).toMatchObject({ ok: true });

      vi.advanceTimersByTime(30_000);
      await dead.closed;
      expect(fake.logger.entries.filter((e) => e.eventType === 'ws_dead')).toHaveLength(1);
      await vi.waitFor(() => expect(pings).toBe(2));
      expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    });
  });
});
