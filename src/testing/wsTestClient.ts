// WebSocket tests of the session protocol: a bare client that speaks it frame by
// frame (so a test can send anything, in any order), and a small server that
// puts WsApi behind a loopback upgrade where the test names the principal (a
// header says which paired phone is calling), so device behaviour can be tested
// without the pairing flow in front.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { Logger } from '../main/base/log';
import type { HearthApi } from '../main/clients/hearthApi';
import type { Principal } from '../main/clients/principal';
import { WsApi } from '../main/server/wsApi';
import { wsLimits, type WsLimits } from '../main/server/wsLimits';
import type {
  HelloFrame,
  ResultFrame,
  ServerFrame,
  SnapshotFrame,
  WelcomeFrame,
} from '../shared/wire';

export const TEST_DEVICE_HEADER = 'x-test-device';

export interface WsHarness {
  url: string;
  api: WsApi;
  close(): Promise<void>;
}

/** WsApi on loopback; a socket that sends TEST_DEVICE_HEADER is that paired phone, others the owner. */
export async function startWsHarness(
  hearth: HearthApi,
  logger: Logger,
  limits: Partial<WsLimits> = {},
): Promise<WsHarness> {
  const api = new WsApi({ hearth, logger, ...wsLimits(limits) });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    const device = req.headers[TEST_DEVICE_HEADER];
    const principal: Principal =
      typeof device === 'string' ? { role: 'device', deviceId: device } : { role: 'owner' };
    api.wss.handleUpgrade(req, socket, head, (client) => api.accept(client, req, principal));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    api,
    close: async () => {
      await api.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface TestClientOptions {
  /** The paired phone to be (harness only). */
  device?: string;
  /** The hello to send once open; false sends none. */
  hello?: HelloFrame | false;
  ws?: WebSocket.ClientOptions;
}

/** One connection, frame by frame: everything received is kept in order. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #nextId = 1;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        for (const wake of [...this.#waiters]) wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  static async open(url: string, options: TestClientOptions = {}): Promise<TestClient> {
    const headers: Record<string, string> = { ...options.ws?.headers };
    if (options.device) headers[TEST_DEVICE_HEADER] = options.device;
    const socket = new WebSocket(url, {
      ...options.ws,
      headers,
    });
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    if (options.hello !== false) client.send(options.hello ?? { t: 'hello' });
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** The first frame received that matches, waiting for it if need be. */
  async next<T extends ServerFrame>(
    match: (frame: ServerFrame) => frame is T,
    timeoutMs?: number,
  ): Promise<T>;
  async next(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  async next(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.socket.readyState >= WebSocket.CLOSING)
        throw new Error('socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  welcome(): Promise<WelcomeFrame> {
    return this.next((f): f is WelcomeFrame => f.t === 'welcome');
  }

  snapshot(): Promise<SnapshotFrame> {
    return this.next((f): f is SnapshotFrame => f.t === 'snapshot');
  }

  /** Sends a call and waits for its result. */
  call(name: string, args: unknown = {}): Promise<ResultFrame> {
    const id = this.#nextId++;
    this.send({ t: 'call', id, name, args });
    return this.next((f): f is ResultFrame => f.t === 'result' && f.id === id);
  }

  /** The sequence number of the last event or snapshot received. */
  get lastSeq(): number {
    let seq = 0;
    for (const frame of this.frames) {
      if (frame.t === 'event' || frame.t === 'snapshot') seq = frame.seq;
    }
    return seq;
  }
}
