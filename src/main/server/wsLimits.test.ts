// The production WebSocket limits, shown enforced by a server started the way
// serve.ts and the kiosk start it: with no limits passed. The numbers are written
// out here on purpose: raising or removing a default must fail one of these tests.
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { startHearthServer, type HearthServer } from './httpServer';

const KiB = 1024;
const MiB = 1024 * KiB;
const CONVERSATION_ID = fixedUuid(1);
const MESSAGE_ID = fixedUuid(2);

let fake: ReturnType<typeof createTestHearth>;
let server: HearthServer | undefined;
const sockets: WebSocket[] = [];

beforeEach(() => {
  fake = createTestHearth();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await server?.close();
  server = undefined;
});

/** No limits passed: whatever the defaults are is what runs. */
async function startWithDefaults(): Promise<HearthServer> {
  server = await startHearthServer({
    hearth: fake.hearth,
    staticDir: '/nonexistent',
    host: '127.0.0.1',
    port: 0,
    logger: fake.logger,
  });
  return server;
}

async function open(url: string, options: WebSocket.ClientOptions = {}) {
  const socket = new WebSocket(`${url}/ws`, options);
  sockets.push(socket);
  const results = new Map<number, ServerFrame>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.t === 'result') results.set(frame.id, frame);
  });
  await once(socket, 'open');
  const resultOf = async (id: number): Promise<ServerFrame> => {
    while (!results.has(id)) {
      if (socket.readyState !== WebSocket.OPEN) throw new Error(`closed before result ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return results.get(id) as ServerFrame;
  };
  return { socket, resultOf };
}

/** A valid call frame of exactly `bytes` bytes: JSON allows trailing whitespace. */
function callOfSize(id: number, bytes: number): string {
  const frame = JSON.stringify({ t: 'call', id, name: 'listConversations', args: {} });
  return frame + ' '.repeat(bytes - frame.length);
}

describe('the production WebSocket limits', () => {
  it('answers a frame of 64 KiB, and refuses one byte more with an error naming the limit', async () => {
    const { url } = await startWithDefaults();
    const client = await open(url);
    client.socket.send(callOfSize(1, 64 * KiB));
    expect(await client.resultOf(1)).toMatchObject({ ok: true, value: [] });
    client.socket.send(callOfSize(2, 64 * KiB + 1));
    expect(await client.resultOf(2)).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: `frame of ${64 * KiB + 1} bytes exceeds the limit of ${64 * KiB} bytes`,
      },
    });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses a 1 MiB frame without closing, and closes the socket (1009) above 1 MiB', async () => {
    const { url } = await startWithDefaults();
    const client = await open(url);
    client.socket.send(callOfSize(3, MiB));
    expect(await client.resultOf(3)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const closed = once(client.socket, 'close');
    client.socket.send(callOfSize(4, MiB + 1));
    const [code] = (await closed) as [number];
    expect(code).toBe(1009);
    const other = await open(url);
    other.socket.send(callOfSize(5, 100));
    expect(await other.resultOf(5)).toMatchObject({ ok: true });
  });

  it('cuts off a client that stops reading once 4 MiB wait unsent for it', async () => {
    const { url } = await startWithDefaults();
    const slow = await open(url);
    const healthy = await open(url);
    // The slow client stops reading its TCP socket: the kernel buffers fill, then ours.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const text = 'y'.repeat(64 * KiB);
    const cutOff = () => fake.logger.entries.find((e) => e.eventType === 'ws_slow_client');
    // Far more than 4 MiB plus what the kernel can buffer, so a missing limit fails here.
    for (let sent = 0; sent < 64 * MiB && !cutOff(); sent += text.length) {
      fake.events.fire({
        type: 'tokens',
        conversationId: CONVERSATION_ID,
        messageId: MESSAGE_ID,
        text,
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const buffered = Number(cutOff()?.context.bufferedBytes);
    // Cut when the next frame would pass 4 MiB: not later, and not much sooner.
    expect(buffered).toBeLessThanOrEqual(4 * MiB);
    expect(buffered).toBeGreaterThan(4 * MiB - 2 * text.length);
    expect(fake.hearth.clients.count).toBe(1);
    healthy.socket.send(callOfSize(6, 100));
    expect(await healthy.resultOf(6)).toMatchObject({ ok: true });
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
      const { url } = await startWithDefaults();
      const alive = await open(url);
      const dead = await open(url, { autoPong: false });
      let pings = 0;
      alive.socket.on('ping', () => pings++);
      const deadClosed = once(dead.socket, 'close');

      vi.advanceTimersByTime(30_000 - 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pings).toBe(0);
      vi.advanceTimersByTime(1);
      await vi.waitFor(() => expect(pings).toBe(1));
      expect(dead.socket.readyState).toBe(WebSocket.OPEN);
      // A call answered after the ping means the server has read the pong sent before it.
      alive.socket.send(callOfSize(7, 100));
      await alive.resultOf(7);

      vi.advanceTimersByTime(30_000);
      await deadClosed;
      expect(fake.logger.entries.filter((e) => e.eventType === 'ws_dead')).toHaveLength(1);
      await vi.waitFor(() => expect(pings).toBe(2));
      expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    });
  });
});
