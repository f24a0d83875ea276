// The fault proxy is what the network tests trust to misbehave like a real
// link; these show it does each fault as described, against plain TCP.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './faultProxy';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that records what each connection sent and how it ended. */
async function recordingServer(): Promise<{
  port: number;
  sockets: Socket[];
  received: () => string;
  ended: () => string[];
}> {
  const sockets: Socket[] = [];
  const chunks: string[] = [];
  const endings: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => chunks.push(data));
    socket.on('error', (error: NodeJS.ErrnoException) => endings.push(error.code ?? 'error'));
    socket.on('end', () => endings.push('end'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sockets,
    received: () => chunks.join(''),
    ended: () => endings,
  };
}

async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port } });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function dial(port: number): Promise<{ socket: Socket; ended: () => string[] }> {
  const socket = connect(port, '127.0.0.1');
  const endings: string[] = [];
  socket.on('error', (error: NodeJS.ErrnoException) => endings.push(error.code ?? 'error'));
  socket.on('end', () => endings.push('end'));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  cleanups.push(async () => {
    socket.destroy();
  });
  return { socket, ended: () => endings };
}

const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FaultProxy', () => {
  it('carries bytes both ways while the link is up', async () => {
    const server = await recordingServer();
    const proxy = await proxyTo(server.port);
    const phone = await dial(proxy.port);
    const back: string[] = [];
    phone.socket.setEncoding('utf8');
    phone.socket.on('data', (data: string) => back.push(data));
    phone.socket.write('hello');
    await until(() => server.received() === 'hello');
    server.sockets[0]?.write('welcome');
    await until(() => back.join('') === 'welcome');
    expect(proxy.stats).toMatchObject({ accepted: 1, bytesUp: 5, bytesDown: 7 });
  });

  it('drop resets both ends at once and leaves the link usable', async () => {
    const server = await recordingServer();
    const proxy = await proxyTo(server.port);
    const phone = await dial(proxy.port);
    await until(() => server.sockets.length === 1);
    expect(proxy.drop()).toBe(1);
    await until(() => phone.ended().length > 0 && server.ended().length > 0);
    expect(phone.ended()).toContain('ECONNRESET');
    expect(server.ended()).toContain('ECONNRESET');
    const again = await dial(proxy.port);
    again.socket.write('again');
    await until(() => server.received() === 'again');
  });

  it('stall holds bytes and hides a close (half-open), and resume lets both through', async () => {
    const server = await recordingServer();
    const proxy = await proxyTo(server.port);
    const phone = await dial(proxy.port);
    await until(() => server.sockets.length === 1);
    proxy.stall();
    phone.socket.write('lost in the air');
    await sleep(100);
    expect(server.received()).toBe('');
    // The server's side goes away; the phone must not hear of it while stalled.
    server.sockets[0]?.resetAndDestroy();
    await sleep(100);
    expect(phone.ended()).toEqual([]);
    expect(phone.socket.destroyed).toBe(false);
    proxy.resume();
    await until(() => phone.ended().length > 0);
  });

  it('stall also hangs new connections until resume', async () => {
    const server = await recordingServer();
    const proxy = await proxyTo(server.port);
    proxy.stall();
    const phone = await dial(proxy.port);
    phone.socket.write('knock');
    await sleep(100);
    expect(server.received()).toBe('');
    proxy.resume();
    await until(() => server.received() === 'knock');
  });

  it('slow carries about the given bytes per second, in order', async () => {
    const server = await recordingServer();
    const proxy = await proxyTo(server.port);
    proxy.slow(4000);
    const phone = await dial(proxy.port);
    const text = Array.from({ length: 200 }, (_, i) => String(i % 10)).join('');
    const started = Date.now();
    for (let i = 0; i < 4; i++) phone.socket.write(text);
    await until(() => server.received().length === 800);
    const seconds = (Date.now() - started) / 1000;
    expect(server.received()).toBe(text.repeat(4));
    // 800 bytes at 4000 B/s: about 0.2 s, not instantly.
    expect(seconds).toBeGreaterThan(0.15);
    expect(seconds).toBeLessThan(1);
  });
});
