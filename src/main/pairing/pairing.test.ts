import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { KnownDevice, PairingInfo } from '../../shared/api';
import { tempDir } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { ManualScheduler } from '../../testing/manualScheduler';
import { machineAddresses, MACHINE_REFRESH_MS } from './lanAddress';
import { Pairing, type PairingOptions } from './pairing';
import { PAIRING_CODE_TTL_MS } from './pairingCode';
import { REDACTED } from './redact';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const PHONE = { remoteAddress: '192.168.1.30', userAgent: ANDROID_CHROME };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function nic(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: `${address}/24`,
  };
}

async function setup(overrides: Partial<PairingOptions> = {}) {
  const dir = tempDir('hearth-pairing-');
  cleanups.push(dir.remove);
  const scheduler = new ManualScheduler();
  const logger = createMemoryLogger();
  const lan = { address: '192.168.1.20' };
  const pairing = await Pairing.open({
    dataDir: dir.path,
    host: '0.0.0.0',
    port: 8737,
    logger,
    scheduler,
    machine: machineAddresses({
      now: () => scheduler.now(),
      read: () => ({ hostname: 'pi', interfaces: { eth0: [nic(lan.address)] } }),
    }),
    ...overrides,
  });
  cleanups.push(() => pairing.dispose());
  const infos: PairingInfo[] = [];
  const deviceLists: KnownDevice[][] = [];
  pairing.onInfo((info) => infos.push(info));
  pairing.onDevices((devices) => deviceLists.push(devices));
  const codeOf = (info = pairing.info()) => new URL(info.url).searchParams.get('code') ?? '';
  return { pairing, scheduler, logger, lan, infos, deviceLists, codeOf };
}

describe('Pairing', () => {
  it('gives a URL on the LAN address with the code, reachable once the server listens', async () => {
    const { pairing, codeOf } = await setup({ port: 0 });
    expect(pairing.info().reachable).toBe(false);
    pairing.listening(41234);
    const info = pairing.info();
    expect(info.url).toMatch(/^http:\/\/192\.168\.1\.20:41234\/pair\?code=[A-Za-z0-9_-]{22}$/);
    expect(info.url).not.toContain('0.0.0.0');
    expect(info.reachable).toBe(true);
    expect(codeOf(info)).toHaveLength(22);
  });

  it('is never reachable on loopback, and shows the loopback URL', async () => {
    const { pairing } = await setup({ host: '127.0.0.1' });
    pairing.listening(8737);
    expect(pairing.info()).toMatchObject({ reachable: false });
    expect(pairing.info().url).toMatch(/^http:\/\/127\.0\.0\.1:8737\/pair\?code=/);
  });

  it('trades the code for a token once, then rotates the code and announces the new URL', async () => {
    const { pairing, codeOf, infos, deviceLists } = await setup();
    pairing.listening(8737);
    const code = codeOf();
    const paired = await pairing.redeem(code, PHONE);
    expect(paired.ok).toBe(true);
    if (!paired.ok) return;
    expect(paired.device.name).toBe('Chrome on Android');
    expect(pairing.authenticate(paired.token)?.id).toBe(paired.device.id);
    expect(codeOf()).not.toBe(code);
    expect(codeOf(infos.at(-1))).toBe(codeOf());
    expect(deviceLists.at(-1)?.map((d) => d.id)).toEqual([paired.device.id]);
    expect(await pairing.redeem(code, PHONE)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses an expired code, and the kiosk hears of the new one without asking', async () => {
    const { pairing, scheduler, codeOf, infos } = await setup();
    const code = codeOf();
    scheduler.advance(PAIRING_CODE_TTL_MS + 1000);
    expect(infos.length).toBeGreaterThan(0);
    expect(codeOf(infos.at(-1))).not.toBe(code);
    expect(await pairing.redeem(code, PHONE)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('locks an address out after five wrong codes, even for the right code', async () => {
    const { pairing, codeOf } = await setup();
    for (let i = 0; i < 5; i++) {
      expect(await pairing.redeem(`wrong-code-${i}`, PHONE)).toEqual({
        ok: false,
        reason: 'wrong',
      });
    }
    const locked = await pairing.redeem(codeOf(), PHONE);
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    expect(
      locked.ok === false && locked.reason === 'locked' && locked.retryAfterMs,
    ).toBeGreaterThan(0);
    // Another address is not punished for it.
    expect((await pairing.redeem(codeOf(), { ...PHONE, remoteAddress: '192.168.1.31' })).ok).toBe(
      true,
    );
  });

  it('announces a new URL when the machine gets a new address', async () => {
    const { pairing, scheduler, lan, infos } = await setup();
    pairing.listening(8737);
    const before = infos.length;
    lan.address = '10.0.0.5';
    scheduler.advance(MACHINE_REFRESH_MS * 2);
    expect(infos.length).toBeGreaterThan(before);
    expect(infos.at(-1)?.url).toMatch(/^http:\/\/10\.0\.0\.5:8737\/pair\?code=/);
  });

  it('forgets a device: its token stops working and onForget fires at once', async () => {
    const { pairing, codeOf, deviceLists } = await setup();
    const paired = await pairing.redeem(codeOf(), PHONE);
    if (!paired.ok) throw new Error('pairing failed');
    const forgotten: string[] = [];
    pairing.onForget((id) => forgotten.push(id));
    const forgetting = pairing.forget(paired.device.id);
    expect(forgotten).toEqual([paired.device.id]); // before the file is saved
    expect(await forgetting).toBe(true);
    expect(pairing.authenticate(paired.token)).toBeUndefined();
    expect(deviceLists.at(-1)).toEqual([]);
    expect(await pairing.forget(paired.device.id)).toBe(false);
  });

  it('keeps the code and the token out of anything its redactor cleans', async () => {
    const { pairing, codeOf } = await setup();
    const code = codeOf();
    const paired = await pairing.redeem(code, PHONE);
    if (!paired.ok) throw new Error('pairing failed');
    const line = `got ${code} then gave ${paired.token} and now show ${codeOf()}`;
    const clean = pairing.redactor.redact(line);
    expect(clean).not.toContain(code);
    expect(clean).not.toContain(paired.token);
    expect(clean).not.toContain(codeOf());
    expect(clean).toContain(REDACTED);
  });

  it('accepts no code when pairing is turned off', async () => {
    const { pairing, codeOf } = await setup({ host: '127.0.0.1', enabled: false });
    pairing.listening(8737);
    expect(await pairing.redeem(codeOf(), PHONE)).toEqual({ ok: false, reason: 'disabled' });
    expect(pairing.info().reachable).toBe(false);
  });
});
