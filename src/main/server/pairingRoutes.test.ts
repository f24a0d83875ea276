// GET /pair over real loopback sockets, each "phone" on its own 127.0.0.x
// address: only an address's own wrong codes hold it back, and a locked-out
// address is told in words when to try again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { ManualScheduler } from '../../testing/manualScheduler';
import { httpGet } from '../../testing/net/hearthUnderTest';
import { Pairing } from '../pairing/pairing';
import { handlePair } from './pairingRoutes';

const cleanups = useCleanups();
const PHONE_AGENT = 'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36';

async function start() {
  const scheduler = new ManualScheduler();
  const logger = createMemoryLogger();
  const pairing = await Pairing.open({
    dataDir: cleanups.scratchDir('hearth-pair-route-'),
    host: '0.0.0.0',
    port: 0,
    logger,
    scheduler,
  });
  cleanups.defer(() => pairing.dispose());
  const server: Server = createServer((req, res) => {
    void handlePair(req, res, { pairing, principal: undefined, logger });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.defer(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  const codeNow = () => new URL(pairing.info().url).searchParams.get('code') ?? '';
  const pair = (code: string, from: string) =>
    httpGet(`http://127.0.0.1:${port}/pair?code=${encodeURIComponent(code)}`, {
      localAddress: from,
      headers: { 'user-agent': PHONE_AGENT },
    });
  return { pairing, scheduler, codeNow, pair };
}

describe('GET /pair and the limit on wrong codes', () => {
  it('pairs a phone with the right code while many other addresses are locked out', async () => {
    const { pairing, codeNow, pair } = await start();
    // 8 addresses x 6 wrong codes: 48 failures, every one of these addresses locked out.
    for (let host = 10; host < 18; host++) {
      for (let i = 0; i < 6; i++) await pair(`guess-${host}-${i}-xxxxxxxxxxxx`, `127.0.0.${host}`);
    }
    expect((await pair(codeNow(), '127.0.0.10')).status).toBe(429);

    const answer = await pair(codeNow(), '127.0.0.40');
    expect(answer.status).toBe(303);
    expect([answer.headers['set-cookie']].flat()[0]).toMatch(/^hearth_device=.+HttpOnly/i);
    expect(pairing.devices()).toHaveLength(1);
  });

  it('refuses an address after five wrong codes, saying when to try again, and lets it back after', async () => {
    const { scheduler, codeNow, pair } = await start();
    for (let i = 0; i < 5; i++) expect((await pair(`wrong-${i}`, '127.0.0.20')).status).toBe(403);

    const locked = await pair(codeNow(), '127.0.0.20');
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    expect(locked.body).toContain('Too many wrong codes');
    expect(locked.body).toContain('Wait a minute, then try again.');

    scheduler.advance(60_000);
    for (let i = 0; i < 5; i++) await pair(`wrong-again-${i}`, '127.0.0.20');
    const longer = await pair(codeNow(), '127.0.0.20');
    expect(longer.headers['retry-after']).toBe('120');
    expect(longer.body).toContain('Wait 2 minutes, then try again.');

    scheduler.advance(120_000);
    expect((await pair(codeNow(), '127.0.0.20')).status).toBe(303);
  });

  it('does not count correct codes: an address that paired ten phones still has five tries', async () => {
    const { pairing, codeNow, pair } = await start();
    for (let i = 0; i < 10; i++) expect((await pair(codeNow(), '127.0.0.30')).status).toBe(303);
    expect(pairing.devices()).toHaveLength(10);
    for (let i = 0; i < 4; i++) expect((await pair(`wrong-${i}`, '127.0.0.30')).status).toBe(403);
    expect((await pair(codeNow(), '127.0.0.30')).status).toBe(303);
  });
});
