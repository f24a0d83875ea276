// Pairing as the rest of Hearth sees it: the URL the kiosk shows as a QR code
// (on the machine's LAN address, with the current one-time code), trading a
// code for a device token, telling a device by its token, and the list of
// paired devices. Forgetting a device fires onForget at once, so its clients
// end and their connections close.
import type { KnownDevice, PairingInfo } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { realScheduler, type Scheduler } from '../base/scheduler';
import type { PairingPort } from '../contracts/pairing';
import { AttemptLimiter, type AttemptLimiterOptions } from './attemptLimiter';
import { DeviceRegistry } from './deviceRegistry';
import {
  httpOrigin,
  lanAddress,
  MACHINE_REFRESH_MS,
  machineAddresses,
  type MachineAddresses,
} from './lanAddress';
import { PairingCodes } from './pairingCode';
import { Redactor } from './redact';

export const PAIR_PATH = '/pair';

export interface PairingOptions {
  dataDir: string;
  /** The address the server binds to (HEARTH_HOST). */
  host: string;
  /** The configured port; listening() gives the real one. */
  port: number;
  /** False only on loopback (the config refuses it elsewhere): then no code is accepted. */
  enabled?: boolean;
  logger: Logger;
  /** Codes and tokens are registered here, so the logs that go through it never show them. */
  redactor?: Redactor;
  scheduler?: Scheduler;
  machine?: MachineAddresses;
  codeTtlMs?: number;
  limits?: AttemptLimiterOptions;
  /** Served over https: the URL says so and carries the certificate's SHA-256 fingerprint. */
  https?: { fingerprint: string };
}

export type Redemption =
  | { ok: true; token: string; device: KnownDevice }
  | { ok: false; reason: 'disabled' | 'wrong' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export class Pairing implements PairingPort {
  readonly redactor: Redactor;
  /** The machine's host name and addresses, read again every few seconds; the server shares it. */
  readonly machine: MachineAddresses;
  readonly #registry: DeviceRegistry;
  readonly #codes: PairingCodes;
  readonly #limiter: AttemptLimiter;
  readonly #logger: Logger;
  readonly #host: string;
  readonly #enabled: boolean;
  readonly #https: { fingerprint: string } | undefined;
  readonly #onInfo: Emitter<PairingInfo>;
  readonly #onDevices: Emitter<KnownDevice[]>;
  readonly #onForget: Emitter<string>;
  /** Open connections per device id. */
  readonly #stops: (() => void)[] = [];
  #port: number;
  #listening = false;
  #lastUrl = '';
  #disposed = false;

  private constructor(options: PairingOptions, registry: DeviceRegistry) {
    const { logger } = options;
    const scheduler = options.scheduler ?? realScheduler;
    const report = (what: string) => (error: unknown) =>
      logger.error(`${what}_listener_failed`, { error: String(error) });
    this.redactor = options.redactor ?? new Redactor();
    this.#registry = registry;
    this.#logger = logger;
    this.#host = options.host;
    this.#port = options.port;
    this.#enabled = options.enabled ?? true;
    this.#https = options.https;
    this.machine = options.machine ?? machineAddresses({ now: () => scheduler.now() });
    this.#limiter = new AttemptLimiter({ now: () => scheduler.now(), ...options.limits });
    this.#onInfo = new Emitter(report('pairing_info'));
    this.#onDevices = new Emitter(report('devices'));
    this.#onForget = new Emitter(report('device_forget'));
    this.#codes = new PairingCodes({
      ttlMs: options.codeTtlMs,
      scheduler,
      onListenerError: report('pairing_code'),
    });
    // A used or expired code stays registered (the redactor keeps the newest
    // few dozen), so a late log line that quotes it is still cleaned.
    this.redactor.addSecret(this.#codes.current().code);
    this.#stops.push(
      this.#codes.onRotate((code) => {
        this.redactor.addSecret(code.code);
        this.#announceInfo();
      }),
    );
    this.#stops.push(this.#codes.startExpiryWatch());
    // The QR must follow a new DHCP lease, not only a new code.
    this.#stops.push(scheduler.every(MACHINE_REFRESH_MS, () => this.#announceInfo(true)));
    this.#stops.push(
      registry.onForget((device) => {
        this.#onForget.fire(device.id);
        this.#announceDevices();
      }),
    );
    this.#lastUrl = this.info().url;
  }

  /** Loads the paired devices from <dataDir>/devices.json. */
  static async open(options: PairingOptions): Promise<Pairing> {
    const { scheduler } = options;
    const registry = await DeviceRegistry.open({
      dataDir: options.dataDir,
      logger: options.logger,
      now: scheduler && (() => scheduler.now()),
    });
    return new Pairing(options, registry);
  }

  /** The server is listening (on this port, when the configured one was 0). */
  listening(port: number): void {
    this.#port = port;
    this.#listening = true;
    this.#announceInfo(true);
  }

  info(): PairingInfo {
    const code = this.#codes.current();
    const lan = lanAddress(this.#host, this.machine.current());
    const origin = httpOrigin(lan.address, this.#port, this.#https !== undefined);
    const url = `${origin}${PAIR_PATH}?code=${code.code}`;
    return {
      url,
      expiresAt: code.expiresAt,
      reachable: lan.reachable && this.#listening && this.#enabled,
      ...(this.#https ? { fingerprint: this.#https.fingerprint } : {}),
    };
  }

  /** Paired phones; whether each is connected now is the clients' to say (clients/clients.ts). */
  devices(): KnownDevice[] {
    return this.#registry.list();
  }

  async forget(deviceId: string): Promise<boolean> {
    if (this.#disposed) return false;
    return this.#registry.forget(deviceId);
  }

  onInfo(listener: (info: PairingInfo) => void): Subscription {
    return this.#onInfo.subscribe(listener);
  }

  onDevices(listener: (devices: KnownDevice[]) => void): Subscription {
    return this.#onDevices.subscribe(listener);
  }

  /** Fires with a device's id the moment it is forgotten: close its connections. */
  onForget(listener: (deviceId: string) => void): Subscription {
    return this.#onForget.subscribe(listener);
  }

  /** The device a token belongs to (its lastSeen is updated), or undefined. */
  authenticate(token: string | undefined): KnownDevice | undefined {
    if (this.#disposed) return undefined;
    return this.#registry.authenticate(token);
  }

  /** Trades a one-time code for a new device token; only wrong codes count, per address. */
  async redeem(
    code: string | undefined,
    from: { remoteAddress: string | undefined; userAgent: string | undefined },
  ): Promise<Redemption> {
    if (!this.#enabled || this.#disposed) return { ok: false, reason: 'disabled' };
    // Only this address's own wrong codes can refuse it: what other addresses
    // sent never stands between a phone and the code on the screen.
    const verdict = this.#limiter.check(from.remoteAddress);
    if (!verdict.allowed) {
      this.#logger.warn('pairing_refused', {
        remoteAddress: from.remoteAddress,
        reason: 'locked_out',
        retryAfterMs: verdict.retryAfterMs,
      });
      return { ok: false, reason: 'locked', retryAfterMs: verdict.retryAfterMs };
    }
    if (!code || !this.#codes.redeem(code)) {
      const next = code ? this.#limiter.failed(from.remoteAddress) : verdict;
      this.#logger.warn('pairing_refused', {
        remoteAddress: from.remoteAddress,
        reason: code ? 'wrong_code' : 'no_code',
        lockedOut: !next.allowed,
      });
      return { ok: false, reason: 'wrong' };
    }
    this.#limiter.succeeded(from.remoteAddress);
    const { device, token } = await this.#registry.pair(from.userAgent);
    this.redactor.addSecret(token);
    this.#announceDevices();
    return { ok: true, token, device };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const stop of this.#stops.splice(0)) stop();
    this.#codes.dispose();
    this.#onInfo.dispose();
    this.#onDevices.dispose();
    this.#onForget.dispose();
    await this.#registry.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** Tells listeners the pairing info; only when the URL moved if `onlyIfMoved`. */
  #announceInfo(onlyIfMoved = false): void {
    if (this.#disposed) return;
    const info = this.info();
    if (onlyIfMoved && info.url === this.#lastUrl) return;
    this.#lastUrl = info.url;
    this.#onInfo.fire(info);
  }

  #announceDevices(): void {
    this.#onDevices.fire(this.devices());
  }
}
