// The start-up both entries share, with pairing wired in: the URL the service
// hands the kiosk is the one the server redeems, the service hears rotations
// and new devices, and nothing secret reaches the root logger.
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { tempDir } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { appConfig } from '../../testing/serviceFakes';
import { startHearth, type RunningHearth } from './hearthProcess';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, setCookie: String(res.headers['set-cookie']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(): Promise<{
  running: RunningHearth;
  logger: ReturnType<typeof createMemoryLogger>;
}> {
  const dir = tempDir('hearth-process-');
  cleanups.push(dir.remove);
  const logger = createMemoryLogger();
  const running = await startHearth({
    config: appConfig(dir.path, { HEARTH_HOST: '127.0.0.1', HEARTH_PORT: '0' }),
    logger,
    staticDir: join(dir.path, 'no-ui'),
    processName: 'hearthProcess.test',
    serverRequired: true,
  });
  cleanups.push(() => running.dispose());
  return { running, logger };
}

const OWNER = { clientId: 'test-kiosk', role: 'owner' as const };

describe('startHearth with pairing', () => {
  it('gives the kiosk the URL the server redeems, and tells it of the new code and device', async () => {
    const { running, logger } = await start();
    const server = running.server;
    if (!server) throw new Error('no server');
    const { handlers, events } = running.hearth;
    const info = await handlers.getPairing({}, OWNER);
    expect(info).toEqual(running.pairing.info());
    expect(info.url.startsWith(`${server.url}/pair?code=`)).toBe(true);
    expect(info.reachable).toBe(false); // loopback only
    const heard: HearthEvent[] = [];
    cleanups.push(events.subscribe((event) => heard.push(event)));

    const url = new URL(info.url);
    const code = url.searchParams.get('code') ?? '';
    // A request with a bad Host is logged with its URL; the code must not be in it.
    await get(server.port, `${url.pathname}${url.search}`, { Host: 'evil.example' });
    const paired = await get(server.port, `${url.pathname}${url.search}`);
    expect(paired.status).toBe(303);
    const token = /hearth_device=([^;]+)/.exec(paired.setCookie)?.[1] ?? '';
    expect(token).not.toBe('');

    const devices = await handlers.listDevices({}, OWNER);
    expect(devices).toHaveLength(1);
    expect(heard.some((e) => e.type === 'pairing' && !e.pairing.url.includes(code))).toBe(true);
    expect(heard.some((e) => e.type === 'devices' && e.devices.length === 1)).toBe(true);

    expect(await handlers.forgetDevice({ deviceId: devices[0]?.id ?? '' }, OWNER)).toEqual({
      ok: true,
    });
    expect(await handlers.listDevices({}, OWNER)).toEqual([]);

    const written = JSON.stringify(logger.entries);
    expect(logger.entries.some((e) => e.eventType === 'http_rejected_host')).toBe(true);
    expect(written).not.toContain(code);
    expect(written).not.toContain(token);
  });
});
