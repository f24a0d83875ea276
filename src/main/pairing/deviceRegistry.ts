// The phones (and other browsers) paired with this Hearth. Pairing gives a
// device a random 256-bit token, handed out once (it goes into the phone's
// cookie); the registry keeps only its sha256, so a copy of devices.json lets
// nobody in. Forgetting a device fires onForget so its open sockets can be
// closed at once.
import type { KnownDevice } from '../../shared/api';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { deviceName } from './deviceName';
import { devicesPath, readDevices, writeDevices, type StoredDevice } from './devicesFile';

/** Tokens are 43 characters; anything much longer is not one and is not hashed. */
const MAX_TOKEN_LENGTH = 128;

export interface DeviceRegistryOptions {
  dataDir: string;
  logger: Logger;
  now?: () => number;
  /**
   * lastSeen changes on every request; it is written at most this often
   * (default one minute), so a busy phone does not rewrite the file per request.
   */
  lastSeenWriteEveryMs?: number;
}

export class DeviceRegistry {
  readonly #path: string;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #lastSeenWriteEveryMs: number;
  readonly #byId = new Map<string, StoredDevice>();
  /** tokenHash (hex) -> device. */
  readonly #byTokenHash = new Map<string, StoredDevice>();
  readonly #onForget: Emitter<KnownDevice>;
  /** Writes run one after another, each saving the state of its moment. */
  #writing: Promise<void> = Promise.resolve();
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #unsavedLastSeen = false;
  #disposed = false;

  private constructor(options: DeviceRegistryOptions, devices: StoredDevice[]) {
    this.#path = devicesPath(options.dataDir);
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#lastSeenWriteEveryMs = options.lastSeenWriteEveryMs ?? 60_000;
    this.#onForget = new Emitter((error) =>
      options.logger.error('device_forget_listener_failed', { error: String(error) }),
    );
    for (const device of devices) this.#index(device);
  }

  /** Loads <dataDir>/devices.json (a corrupt file is set aside with a warning). */
  static async open(options: DeviceRegistryOptions): Promise<DeviceRegistry> {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    const devices = await readDevices(devicesPath(options.dataDir), options.logger);
    return new DeviceRegistry(options, devices);
  }

  /** Fires with a device right after it is forgotten. */
  onForget(listener: (device: KnownDevice) => void): Subscription {
    return this.#onForget.subscribe(listener);
  }

  /**
   * Pairs a new device and saves it. The token is returned only here: it is
   * not stored and cannot be recovered.
   */
  async pair(userAgent: string | undefined): Promise<{ device: KnownDevice; token: string }> {
    this.#assertLive();
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const device: StoredDevice = {
      id: randomUUID(),
      name: deviceName(userAgent),
      firstSeen: now,
      lastSeen: now,
      tokenHash: hashToken(token),
    };
    this.#index(device);
    try {
      await this.#save();
    } catch (error) {
      // The caller hands out no token, so the device must not linger half-paired.
      this.#unindex(device);
      throw error;
    }
    this.#logger.info('device_paired', { deviceId: device.id, name: device.name });
    return { device: view(device), token };
  }

  /** The device a token belongs to, or undefined; records that it was seen. */
  authenticate(token: string | undefined): KnownDevice | undefined {
    if (this.#disposed || !token || token.length > MAX_TOKEN_LENGTH) return undefined;
    // A plain map lookup is safe here: it is keyed by the hash of what the
    // caller sent, and how long the lookup takes tells nothing about a token
    // whose hash the caller cannot choose.
    const device = this.#byTokenHash.get(hashToken(token));
    if (!device) return undefined;
    device.lastSeen = Math.max(device.lastSeen, this.#now());
    this.#unsavedLastSeen = true;
    if (this.#now() - this.#lastWriteAt >= this.#lastSeenWriteEveryMs) {
      this.#save().catch((error: unknown) =>
        this.#logger.error('devices_save_failed', { error: String(error) }),
      );
    }
    return view(device);
  }

  get(id: string): KnownDevice | undefined {
    const device = this.#byId.get(id);
    return device ? view(device) : undefined;
  }

  /** Paired devices, most recently seen first. */
  list(): KnownDevice[] {
    return [...this.#byId.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen || a.id.localeCompare(b.id))
      .map(view);
  }

  /** Forgets a device: its token stops working at once, then it is saved. */
  async forget(id: string): Promise<boolean> {
    this.#assertLive();
    const device = this.#byId.get(id);
    if (!device) return false;
    this.#unindex(device);
    this.#onForget.fire(view(device));
    this.#logger.info('device_forgotten', { deviceId: id, name: device.name });
    await this.#save();
    return true;
  }

  /** Waits for pending writes and saves a lastSeen not yet written. */
  async flush(): Promise<void> {
    if (this.#unsavedLastSeen) await this.#save();
    else await this.#writing;
  }

  /** Saves what is unsaved; after that the registry authenticates nobody. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.flush().catch((error: unknown) =>
      this.#logger.error('devices_save_failed', { error: String(error) }),
    );
    this.#disposed = true;
    this.#onForget.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #index(device: StoredDevice): void {
    this.#byId.set(device.id, device);
    this.#byTokenHash.set(device.tokenHash, device);
  }

  #unindex(device: StoredDevice): void {
    this.#byId.delete(device.id);
    this.#byTokenHash.delete(device.tokenHash);
  }

  #save(): Promise<void> {
    this.#lastWriteAt = this.#now();
    this.#unsavedLastSeen = false;
    // Each write takes the state when it runs, so the last write has the newest.
    const run = (): Promise<void> => writeDevices(this.#path, [...this.#byId.values()]);
    const next = this.#writing.then(run, run);
    this.#writing = next.catch(() => {});
    return next;
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('DeviceRegistry is disposed');
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function view(device: StoredDevice): KnownDevice {
  return {
    id: device.id,
    name: device.name,
    firstSeen: device.firstSeen,
    lastSeen: device.lastSeen,
  };
}
