// A way in for the test itself: the test runs outside both namespaces, yet it
// must reach Hearth's loopback (inside Hearth's namespace), where its owner page
// is, to act as the owner and read the pairing code or a conversation. A tiny relay started inside the
// namespace listens on a Unix socket (the file system is shared, the network is
// not) and dials the given address there; a FaultProxy on this side's loopback
// turns that into a plain http://127.0.0.1:<port> URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultProxy } from '../../src/testing/net/faultProxy';
import type { NetnsPair, Side } from './netns';

const RELAY = `
const net = require('node:net');
const [path, host, port] = process.argv.slice(1);
net.createServer((inbound) => {
  const outbound = net.connect(Number(port), host);
  inbound.pipe(outbound).pipe(inbound);
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
}).listen(path, () => process.stdout.write('ready\\n'));
`;

export interface Bridge extends AsyncDisposable {
  /** http://127.0.0.1:<port>, reaching host:port inside the namespace. */
  readonly url: string;
  readonly proxy: FaultProxy;
  close(): Promise<void>;
}

/** Reaches host:port as seen from inside side's namespace (127.0.0.1 there is its loopback). */
export async function bridgeInto(
  pair: NetnsPair,
  side: Side,
  port: number,
  host = '127.0.0.1',
): Promise<Bridge> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bridge-'));
  const path = join(dir, 'relay.sock');
  const relay = pair.spawn(side, process.execPath, ['-e', RELAY, path, host, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    relay.stdout?.once('data', () => resolve());
    relay.once('exit', (code) => reject(new Error(`relay into ${side} exited (${code})`)));
  });
  const proxy = await FaultProxy.start({ target: { path } });
  const close = async (): Promise<void> => {
    await proxy.close();
    relay.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: proxy.url, proxy, close, [Symbol.asyncDispose]: close };
}
