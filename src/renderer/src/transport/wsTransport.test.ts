import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { HearthEvent } from '../../../shared/api';
import type { HearthTransport, LinkState } from '../../../shared/transport';
import { fixedUuid } from '../../../testing/ids';
import { backoffSchedule } from './backoff';
import { createWsTransport, defaultWsUrl, type WebSocketConstructor } from './wsTransport';

const CONVERSATION_ID = fixedUuid(1);
const MESSAGE_ID = fixedUuid(2);

const servers: WebSocketServer[] = [];
const transports: HearthTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map(closeServer));
});

function closeServer(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function listen(port = 0): Promise<{ server: WebSocketServer; port: number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { server, port: (server.address() as { port: number }).port };
}

/** Answers calls the way Hearth's server does, from a table of handlers. */
function serve(server: WebSocketServer, handlers: Record<string, (args: unknown) => unknown>) {
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id: number; name: string; args: unknown };
      const handler = handlers[frame.name];
      const reply = handler
        ? { t: 'result', id: frame.id, ok: true, value: handler(frame.args) }
        : {
            t: 'result',
            id: frame.id,
            ok: false,
            error: { code: 'not_found', message: 'no such thing' },
          };
      socket.send(JSON.stringify(reply));
    });
  });
}

function open(port: number, backoff = { initialMs: 10, maxMs: 40, maxAttempts: 3 }) {
  const links: LinkState[] = [];
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${port}/ws`,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    backoff,
  });
  transports.push(transport);
  transport.onLink((link) => links.push(link));
  return { transport, links };
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

describe('backoff', () => {
  it('starts at 1 s, doubles, caps at 30 s and gives up after 10 attempts', () => {
    expect(backoffSchedule()).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe('wsTransport', () => {
  it('derives the socket address from the page', () => {
    expect(defaultWsUrl({ protocol: 'http:', host: '10.0.0.2:8080' })).toBe(
      'ws://10.0.0.2:8080/ws',
    );
    expect(defaultWsUrl({ protocol: 'https:', host: 'pi.local' })).toBe('wss://pi.local/ws');
  });

  it('connects, calls with ids and validates results', async () => {
    const { server, port } = await listen();
    serve(server, {
      stop: (args) => ({
        stopped: (args as { conversationId: string }).conversationId === CONVERSATION_ID,
      }),
      listConversations: () => [
        { id: CONVERSATION_ID, title: 'Hi', updatedAt: 1, messageCount: 2 },
      ],
    });
    const { transport, links } = open(port);
    expect(links[0]).toEqual({ state: 'connecting' });
    await until(isConnected(links));

    const [stopped, list] = await Promise.all([
      transport.call('stop', { conversationId: CONVERSATION_ID }),
      transport.call('listConversations', {}),
    ]);
    expect(stopped).toEqual({ stopped: true });
    expect(list[0]?.title).toBe('Hi');
  });

  it('rejects with the server error code, and on replies that break the schema', async () => {
    const { server, port } = await listen();
    serve(server, { stop: () => ({ stopped: 'yes' }) });
    const { transport, links } = open(port);
    await until(isConnected(links));
    await expect(transport.call('openConversation', { id: CONVERSATION_ID })).rejects.toMatchObject(
      {
        code: 'not_found',
        message: 'no such thing',
      },
    );
    await expect(transport.call('stop', { conversationId: CONVERSATION_ID })).rejects.toMatchObject(
      {
        code: 'bad_response',
      },
    );
  });

  it('delivers valid events and drops invalid ones', async () => {
    const { server, port } = await listen();
    const { transport, links } = open(port);
    const events: HearthEvent[] = [];
    transport.onEvent((event) => events.push(event));
    await until(isConnected(links));
    const [socket] = server.clients;
    const warn = console.warn;
    console.warn = () => {};
    try {
      socket?.send('not json');
      socket?.send(JSON.stringify({ t: 'event', event: { type: 'tokens', text: 'no ids' } }));
      socket?.send(
        JSON.stringify({
          t: 'event',
          event: {
            type: 'tokens',
            conversationId: CONVERSATION_ID,
            messageId: MESSAGE_ID,
            text: 'Hello',
          },
        }),
      );
      await until(() => events.length > 0);
    } finally {
      console.warn = warn;
    }
    expect(events).toEqual([
      { type: 'tokens', conversationId: CONVERSATION_ID, messageId: MESSAGE_ID, text: 'Hello' },
    ]);
  });

  it('fails calls in flight when the link drops, then reconnects by itself', async () => {
    const { server, port } = await listen();
    // A server that never answers, so the call is in flight when the link drops.
    const { transport, links } = open(port);
    await until(isConnected(links));
    const inFlight = transport.call('listConversations', {});
    for (const client of server.clients) client.terminate();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    await until(() => links.filter((l) => l.state === 'connected').length === 2);
    expect(links.map((l) => l.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ]);
    expect(links[2]).toEqual({ state: 'reconnecting', attempt: 1, maxAttempts: 3 });
  });

  it('gives up after the last attempt, and retry() connects again', async () => {
    const first = await listen();
    const port = first.port;
    await closeServer(first.server);
    servers.length = 0;

    const { transport, links } = open(port);
    await until(() => links.at(-1)?.state === 'lost');
    expect(
      links.map((l) => (l.state === 'reconnecting' ? `attempt ${l.attempt}` : l.state)),
    ).toEqual(['connecting', 'attempt 1', 'attempt 2', 'attempt 3', 'lost']);
    await expect(transport.call('listConversations', {})).rejects.toMatchObject({
      code: 'disconnected',
    });

    await listen(port);
    transport.retry();
    await until(isConnected(links));
  });
});
