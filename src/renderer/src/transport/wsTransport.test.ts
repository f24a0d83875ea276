import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HearthEvent } from '../../../shared/api';
import { encodeAudioFrame } from '../../../shared/audio';
import type { HearthTransport, LinkState } from '../../../shared/transport';
import { fixedUuid } from '../../../testing/ids';
import { startSessionServer, type SessionServer } from '../../../testing/sessionServer';
import { formatLink } from '../format';
import { backoffSchedule, defaultBackoff, jitteredDelay, type BackoffPolicy } from './backoff';
import { defaultHeartbeat, type HeartbeatPolicy } from './heartbeat';
import { memoryResumeStore } from './resumeStore';
import type { WakeSource } from './wakeUps';
import { createWsTransport, defaultWsUrl, type WebSocketConstructor } from './wsTransport';

const CONVERSATION_ID = fixedUuid(1);
const MESSAGE_ID = fixedUuid(2);
const tokens = (text: string): HearthEvent => ({
  type: 'tokens',
  conversationId: CONVERSATION_ID,
  messageId: MESSAGE_ID,
  text,
});

const servers: SessionServer[] = [];
const transports: HearthTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function listen(handlers = {}, port = 0): Promise<SessionServer> {
  const server = await startSessionServer(handlers, port);
  servers.push(server);
  return server;
}

const quick: BackoffPolicy = { initialMs: 10, maxMs: 40, maxAttempts: 3, jitter: 0 };

function open(
  port: number,
  options: { backoff?: BackoffPolicy; heartbeat?: HeartbeatPolicy; wake?: WakeSource } = {},
) {
  const links: LinkState[] = [];
  const events: HearthEvent[] = [];
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    backoff: options.backoff ?? quick,
    heartbeat: options.heartbeat ?? defaultHeartbeat,
    resume: memoryResumeStore(),
    ...(options.wake ? { wake: options.wake } : {}),
  });
  transports.push(transport);
  transport.onLink((link) => links.push(link));
  transport.onEvent((event) => events.push(event));
  return { transport, links, events };
}

function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out waiting'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const isConnected = (links: LinkState[]) => () => links.at(-1)?.state === 'connected';
const connections = (links: LinkState[]) => links.filter((l) => l.state === 'connected').length;

describe('backoff', () => {
  it('starts at 1 s, doubles, caps at 30 s and gives up after 10 attempts', () => {
    expect(backoffSchedule()).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('jitter shortens a wait by at most a quarter and never goes past the cap', () => {
    expect(jitteredDelay(1, defaultBackoff, () => 0)).toBe(1_000);
    expect(jitteredDelay(1, defaultBackoff, () => 0.999)).toBe(750);
    expect(jitteredDelay(9, defaultBackoff, () => 0)).toBe(30_000);
    const waits = Array.from({ length: 200 }, () => jitteredDelay(3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(3_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4_000);
    expect(new Set(waits).size).toBeGreaterThan(1);
  });
});

describe('wsTransport', () => {
  it('derives the socket address from the page', () => {
    expect(defaultWsUrl({ protocol: 'http:', host: '10.0.0.2:8080' })).toBe(
      'ws://10.0.0.2:8080/ws',
    );
    expect(defaultWsUrl({ protocol: 'https:', host: 'pi.local' })).toBe('wss://pi.local/ws');
  });

  it('says hello first, is connected once the snapshot is in, then calls and validates results', async () => {
    const server = await listen({
      stop: () => ({ stopped: true }),
      listConversations: () => [
        { id: CONVERSATION_ID, title: 'Hi', updatedAt: 1, messageCount: 2 },
      ],
    });
    const { transport, links } = open(server.port);
    const snapshots: unknown[] = [];
    transport.onSnapshot((resync) => snapshots.push(resync));
    expect(links[0]).toEqual({ state: 'connecting' });
    await until(isConnected(links));
    expect(server.hellos).toEqual([{ t: 'hello' }]);
    expect(snapshots).toHaveLength(1);

    const [stopped, list] = await Promise.all([
      transport.call('stop', { conversationId: CONVERSATION_ID }),
      transport.call('listConversations', {}),
    ]);
    expect(stopped).toEqual({ stopped: true });
    expect(list[0]?.title).toBe('Hi');
  });

  it('sends audio frames as binary messages, byte for byte, and refuses them with no link', async () => {
    const server = await listen();
    const { transport, links } = open(server.port);
    const frame = encodeAudioFrame({
      utterance: 3,
      start: true,
      end: true,
      pcm: Int16Array.of(1, -1, 32767, -32768),
    });
    expect(() => transport.sendAudio(frame)).toThrow(
      expect.objectContaining({ code: 'disconnected' }) as Error,
    );
    await until(isConnected(links));
    transport.sendAudio(frame);
    await until(() => server.audio.length === 1);
    expect([...(server.audio[0] ?? [])]).toEqual([...frame]);
    // Audio is not a frame: none of it shows up as JSON.
    expect(server.received).toEqual([]);
  });

  it('rejects with the server error code, and on replies that break the schema', async () => {
    const server = await listen({ stop: () => ({ stopped: 'yes' }) });
    const { transport, links } = open(server.port);
    await until(isConnected(links));
    await expect(transport.call('openConversation', { id: CONVERSATION_ID })).rejects.toMatchObject(
      { code: 'not_found', message: 'no such thing' },
    );
    await expect(transport.call('stop', { conversationId: CONVERSATION_ID })).rejects.toMatchObject(
      { code: 'bad_response' },
    );
  });

  it('fails calls in flight when the link drops, then resumes and gets what it missed, once', async () => {
    const server = await listen({ listConversations: () => new Promise(() => {}) });
    const { transport, links, events } = open(server.port);
    await until(isConnected(links));
    server.emit(tokens('Once'));
    await until(() => events.length === 1);
    const inFlight = transport.call('listConversations', {});
    server.terminateAll();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    server.emit(tokens(' upon')); // while the phone is away
    await until(() => connections(links) === 2);
    await until(() => events.length === 2);
    expect(events.map((e) => (e.type === 'tokens' ? e.text : e.type))).toEqual(['Once', ' upon']);
    expect(server.hellos[1]).toEqual({
      t: 'hello',
      resume: { sessionId: 'session-1', secret: 'secret-1', lastSeq: 1 },
    });
    expect(links.map((l) => l.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ]);
  });

  it('pings while the link is quiet, and notices a link that fell silent without closing', async () => {
    const server = await listen();
    const heartbeat = { pingEveryMs: 40, deadAfterMs: 200 };
    const { links } = open(server.port, { heartbeat });
    await until(isConnected(links));
    await until(() => server.received.filter((f) => f.t === 'ping').length >= 3);
    expect(links.at(-1)?.state).toBe('connected'); // pongs keep it alive

    server.silence();
    const silentAt = Date.now();
    await until(() => links.at(-1)?.state !== 'connected');
    expect(Date.now() - silentAt).toBeLessThan(heartbeat.deadAfterMs + heartbeat.pingEveryMs + 100);
    expect(links.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1 });
  });

  it('starts over at once, asking to resume, when an event was skipped', async () => {
    const server = await listen();
    const { links, events } = open(server.port, { backoff: { ...quick, initialMs: 60_000 } });
    await until(isConnected(links));
    server.emit(tokens('a'));
    await until(() => events.length === 1);
    server.sendRaw({ t: 'event', seq: 5, event: tokens('lost in a gap') });
    await until(() => server.hellos.length === 2);
    expect(server.hellos[1]?.resume?.lastSeq).toBe(1);
    await until(() => connections(links) === 2);
    expect(events).toHaveLength(1);
  });

  it('gives up after the last attempt, and retry() connects again', async () => {
    const first = await listen();
    const port = first.port;
    await first.close();
    servers.length = 0;

    const { transport, links } = open(port);
    await until(() => links.at(-1)?.state === 'lost');
    expect(
      links.map((l) => (l.state === 'reconnecting' ? `attempt ${l.attempt}` : l.state)),
    ).toEqual(['connecting', 'attempt 1', 'attempt 2', 'attempt 3', 'lost']);
    await expect(transport.call('listConversations', {})).rejects.toMatchObject({
      code: 'disconnected',
    });

    await listen({}, port);
    transport.retry();
    await until(isConnected(links));
  });

  it('counts attempts afresh once the link is live again, so a later drop gets all 10', async () => {
    // The real attempt count with short waits: ten attempts take under a second.
    const backoff: BackoffPolicy = { initialMs: 20, maxMs: 80, maxAttempts: 10, jitter: 0 };
    const stop = async (server: SessionServer) => {
      servers.splice(servers.indexOf(server), 1);
      await server.close();
    };
    const first = await listen();
    const port = first.port;
    const { links } = open(port, { backoff });
    await until(isConnected(links));

    // First drop: the server is away for two attempts and back for the third.
    await stop(first);
    await until(() => {
      const last = links.at(-1);
      return last?.state === 'reconnecting' && last.attempt === 3;
    });
    const second = await listen({}, port);
    await until(() => connections(links) === 2);
    const firstDrop = links.slice(2).map(formatLink);
    expect(firstDrop.slice(0, 3)).toEqual([
      'Reconnecting (attempt 1 of 10)',
      'Reconnecting (attempt 2 of 10)',
      'Reconnecting (attempt 3 of 10)',
    ]);
    expect(firstDrop.at(-1)).toBe('Connected');

    // Second drop, for good: counting starts at 1 again and all ten are tried.
    const liveAgain = links.length;
    await stop(second);
    await until(() => links.at(-1)?.state === 'lost');
    expect(links.slice(liveAgain).map(formatLink)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `Reconnecting (attempt ${i + 1} of 10)`),
      'Connection lost',
    ]);
  });

  it('tries at once when the page wakes up, instead of waiting out the backoff', async () => {
    const first = await listen();
    const port = first.port;
    await first.close();
    servers.length = 0;
    let wake = () => {};
    const source: WakeSource = {
      subscribe: (onWake) => {
        wake = onWake;
        return () => {};
      },
    };
    const { links } = open(port, { backoff: { ...quick, initialMs: 60_000 }, wake: source });
    await until(() => links.at(-1)?.state === 'reconnecting');
    await listen({}, port);
    wake();
    await until(isConnected(links), 2_000);
  });
});
