import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import type { KnownDevice } from '../../shared/api';
import { DeviceRegistry } from './deviceRegistry';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup() {
  const dir = tempDir('hearth-devices-');
  cleanups.push(dir.remove);
  const logger = createMemoryLogger();
  let time = Date.UTC(2025, 0, 1);
  const open = async () => {
    const registry = await DeviceRegistry.open({
      dataDir: dir.path,
      logger,
      now: () => time,
      lastSeenWriteEveryMs: 60_000,
    });
    cleanups.push(() => registry.dispose());
    return registry;
  };
  const file = join(dir.path, 'devices.json');
  const onDisk = () =>
    JSON.parse(readFileSync(file, 'utf8')) as {
      version: number;
      devices: (KnownDevice & { tokenHash: string })[];
    };
  return { dir: dir.path, file, logger, open, onDisk, advance: (ms: number) => (time += ms) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('DeviceRegistry', () => {
  it('pairs a device: a 256-bit token handed out once, and only its hash on disk', async () => {
    const { open, onDisk, file } = setup();
    const registry = await open();
    const { device, token } = await registry.pair(ANDROID_CHROME);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(device).toMatchObject({ name: 'Chrome on Android' });
    expect(device.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(device.firstSeen).toBe(device.lastSeen);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(onDisk().devices).toEqual([{ ...device, tokenHash: sha256(token) }]);
    // Only the owner may read it.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('knows a device by its token, and nobody by a wrong, empty or absurd one', async () => {
    const { open } = setup();
    const registry = await open();
    const phone = await registry.pair(ANDROID_CHROME);
    const other = await registry.pair(IPHONE_SAFARI);
    expect(registry.authenticate(phone.token)?.id).toBe(phone.device.id);
    expect(registry.authenticate(other.token)?.name).toBe('Safari on iPhone');
    for (const wrong of [
      undefined,
      '',
      phone.token.slice(1),
      phone.token + 'A',
      'x'.repeat(10_000),
    ]) {
      expect(registry.authenticate(wrong)).toBeUndefined();
    }
  });

  it('keeps paired devices across a restart', async () => {
    const { open } = setup();
    const first = await open();
    const { token } = await first.pair(IPHONE_SAFARI);
    await first.pair(ANDROID_CHROME);
    const listed = first.list();
    await first.dispose();

    const second = await open();
    expect(second.list()).toEqual(listed);
    expect(second.authenticate(token)?.name).toBe('Safari on iPhone');
  });

  it('updates last seen on every use but writes it at most once a minute', async () => {
    const { open, onDisk, advance } = setup();
    const registry = await open();
    const { device, token } = await registry.pair(ANDROID_CHROME);
    advance(60_000);
    registry.authenticate(token);
    await registry.flush();
    const firstWrite = onDisk().devices[0]?.lastSeen;
    expect(firstWrite).toBe(device.firstSeen + 60_000);

    for (let i = 0; i < 20; i++) {
      advance(1000);
      expect(registry.authenticate(token)?.lastSeen).toBe(
        device.firstSeen + 60_000 + (i + 1) * 1000,
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    // Twenty uses within the minute: nothing written yet.
    expect(onDisk().devices[0]?.lastSeen).toBe(firstWrite);

    advance(40_000);
    registry.authenticate(token);
    await registry.flush();
    expect(onDisk().devices[0]?.lastSeen).toBe(device.firstSeen + 120_000);
    expect(registry.list()[0]?.firstSeen).toBe(device.firstSeen);
  });

  it('saves an unwritten last seen when disposed', async () => {
    const { open, onDisk, advance } = setup();
    const registry = await open();
    const { token } = await registry.pair(ANDROID_CHROME);
    advance(5000);
    registry.authenticate(token);
    const seen = registry.list()[0]?.lastSeen;
    await registry.dispose();
    expect(onDisk().devices[0]?.lastSeen).toBe(seen);
    expect(registry.authenticate(token)).toBeUndefined();
  });

  it('lists devices most recently seen first', async () => {
    const { open, advance } = setup();
    const registry = await open();
    const a = await registry.pair(ANDROID_CHROME);
    advance(1000);
    const b = await registry.pair(IPHONE_SAFARI);
    expect(registry.list().map((d) => d.id)).toEqual([b.device.id, a.device.id]);
    advance(1000);
    registry.authenticate(a.token);
    expect(registry.list().map((d) => d.id)).toEqual([a.device.id, b.device.id]);
  });

  it('forgets a device: its token stops working at once, listeners hear of it, and it stays gone', async () => {
    const { open, logger } = setup();
    const registry = await open();
    const phone = await registry.pair(ANDROID_CHROME);
    const kept = await registry.pair(IPHONE_SAFARI);
    const heard: KnownDevice[] = [];
    registry.onForget(() => {
      throw new Error('a listener that breaks');
    });
    registry.onForget((device) => {
      // Already unusable when listeners run, so a socket closed here cannot re-authenticate.
      expect(registry.authenticate(phone.token)).toBeUndefined();
      heard.push(device);
    });

    expect(await registry.forget(phone.device.id)).toBe(true);
    expect(heard.map((d) => d.id)).toEqual([phone.device.id]);
    expect(logger.entries.some((e) => e.eventType === 'device_forget_listener_failed')).toBe(true);
    expect(await registry.forget(phone.device.id)).toBe(false);
    await registry.dispose();

    const reopened = await open();
    expect(reopened.authenticate(phone.token)).toBeUndefined();
    expect(reopened.list().map((d) => d.id)).toEqual([kept.device.id]);
  });

  it('sets a corrupt file aside with a warning and starts empty', async () => {
    const { open, file, dir, logger } = setup();
    writeFileSync(file, '{"version":1,"devices":[{"id":');
    const registry = await open();
    expect(registry.list()).toEqual([]);
    const warning = logger.entries.find((e) => e.eventType === 'devices_file_corrupt');
    expect(warning?.level).toBe('warn');
    const asideName = readdirSync(dir).find((name) => name.startsWith('devices.json.corrupt-'));
    expect(asideName).toBeDefined();
    expect(readFileSync(join(dir, asideName ?? ''), 'utf8')).toBe('{"version":1,"devices":[{"id":');
    // And pairing works again, into a fresh file.
    const { token } = await registry.pair(ANDROID_CHROME);
    expect((await open()).authenticate(token)).toBeDefined();
  });

  it('sets aside a file that parses but does not match the schema', async () => {
    const { open, file, dir, logger } = setup();
    // A token stored in clear instead of its hash must not be trusted.
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        devices: [
          {
            id: crypto.randomUUID(),
            name: 'Chrome on Android',
            firstSeen: 1,
            lastSeen: 1,
            token: 'secret',
          },
        ],
      }),
    );
    const registry = await open();
    expect(registry.list()).toEqual([]);
    expect(
      logger.entries.find((e) => e.eventType === 'devices_file_corrupt')?.context,
    ).toMatchObject({
      problem: expect.stringMatching(/tokenHash|token/),
    });
    expect(readdirSync(dir).some((name) => name.startsWith('devices.json.corrupt-'))).toBe(true);
  });

  it('removes temp files that a crash left behind, keeping the real file', async () => {
    const { open, dir, file } = setup();
    const first = await open();
    const { token } = await first.pair(ANDROID_CHROME);
    await first.dispose();
    writeFileSync(`${file}.tmp-999-abcdef`, '{"torn":');
    const second = await open();
    expect(second.authenticate(token)).toBeDefined();
    expect(readdirSync(dir)).toEqual(['devices.json']);
  });

  it('saves every device when many pair at once, leaving no temp files', async () => {
    const { open, onDisk, dir } = setup();
    const registry = await open();
    const paired = await Promise.all(
      Array.from({ length: 20 }, (_, i) => registry.pair(i % 2 ? ANDROID_CHROME : IPHONE_SAFARI)),
    );
    await registry.flush();
    expect(onDisk().devices).toHaveLength(20);
    expect(new Set(onDisk().devices.map((d) => d.tokenHash))).toEqual(
      new Set(paired.map((p) => sha256(p.token))),
    );
    expect(readdirSync(dir)).toEqual(['devices.json']);
  });

  it('does not keep a device whose pairing could not be saved', async () => {
    const { open, file } = setup();
    const registry = await open();
    // Something in the way of the file: the rename onto it fails.
    mkdirSync(file);
    writeFileSync(join(file, 'blocker'), '');
    await expect(registry.pair(ANDROID_CHROME)).rejects.toThrow();
    expect(registry.list()).toEqual([]);
  });
});
