// Watches the board's temperature: polls a source every second, switches
// protection on at the trigger and off below the resume temperature (a
// Schmitt trigger, so noise near the trigger does not flap it), keeps the last
// ten minutes of readings and turns every sensor fault into an "unavailable"
// status with a reason, never an exception.
import type { ThermalReading, ThermalStatus } from '../../shared/api';
import type { ThermalPort } from '../contracts/thermal';
import type { Logger } from '../base/log';
import { realScheduler, type Scheduler } from '../base/scheduler';
import type { SensorSample, ThermalSource } from './source';

export interface ThermalMonitorOptions {
  source: ThermalSource;
  logger: Logger;
  triggerC?: number;
  resumeC?: number;
  pollMs?: number;
  scheduler?: Scheduler;
  /** Readings kept. Default 10 minutes. */
  historyMs?: number;
  /** Points in status().recent (the trend line), spread over historyMs. Default 120. */
  recentPoints?: number;
  /** A value identical for this long is a stuck sensor. Default 3 minutes. */
  stuckAfterMs?: number;
  /** Protection outlives a sensor fault this long before it is released. Default 30 s. */
  faultGraceMs?: number;
}

/** Readings outside this range are not temperatures of a working board. */
export const plausibleRangeC = { min: -40, max: 150 } as const;

/** Throws a RangeError naming the problem unless trigger and resume make sense together. */
export function validateThresholds(triggerC: number, resumeC: number): void {
  if (!Number.isFinite(triggerC) || triggerC < 40 || triggerC > 110) {
    throw new RangeError(`thermal trigger ${triggerC} °C is not plausible (40-110 °C)`);
  }
  if (!Number.isFinite(resumeC) || resumeC < 30 || resumeC > 105) {
    throw new RangeError(`thermal resume ${resumeC} °C is not plausible (30-105 °C)`);
  }
  if (!(triggerC > resumeC)) {
    throw new RangeError(
      `thermal trigger (${triggerC} °C) must be above thermal resume (${resumeC} °C)`,
    );
  }
}

type StatusListener = (status: ThermalStatus) => void;
type ProtectionListener = (on: boolean, status: ThermalStatus) => void;

const round1 = (n: number): number => Math.round(n * 10) / 10;

export class ThermalMonitor implements ThermalPort {
  readonly triggerC: number;
  readonly resumeC: number;
  readonly pollMs: number;
  readonly #source: ThermalSource;
  readonly #log: Logger;
  readonly #scheduler: Scheduler;
  readonly #historyMs: number;
  readonly #recentEveryMs: number;
  readonly #stuckAfterMs: number;
  readonly #faultGraceMs: number;
  readonly #statusListeners: StatusListener[] = [];
  readonly #protectionListeners: ProtectionListener[] = [];
  /** Ring of every reading within historyMs. */
  #history: ThermalReading[] = [];
  #historyStart = 0;
  #recent: ThermalReading[] = [];
  #status: ThermalStatus;
  #cancelPoll: (() => void) | undefined;
  #protectionSince: number | undefined;
  #unavailableSince: number | undefined;
  #lastValue: number | undefined;
  #lastValueSince = 0;
  #lastEmitKey = '';

  constructor(options: ThermalMonitorOptions) {
    this.triggerC = options.triggerC ?? 85;
    this.resumeC = options.resumeC ?? 80;
    validateThresholds(this.triggerC, this.resumeC);
    this.pollMs = options.pollMs ?? 1000;
    this.#source = options.source;
    this.#log = options.logger;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#historyMs = options.historyMs ?? 10 * 60_000;
    this.#recentEveryMs = Math.max(this.pollMs, this.#historyMs / (options.recentPoints ?? 120));
    this.#stuckAfterMs = options.stuckAfterMs ?? 3 * 60_000;
    this.#faultGraceMs = options.faultGraceMs ?? 30_000;
    this.#status = {
      available: false,
      temperatureC: -1,
      reason: 'not read yet',
      protection: false,
      triggerC: this.triggerC,
      resumeC: this.resumeC,
      source: this.#source.kind,
      recent: [],
    };
  }

  /** Polls now and then every pollMs. */
  start(): void {
    if (this.#cancelPoll) return;
    this.poll();
    if (this.#source.kind === 'none') {
      this.#log.info('thermal_sensor_absent', { reason: this.#status.reason });
    }
    this.#cancelPoll = this.#scheduler.every(this.pollMs, () => this.poll());
  }

  stop(): void {
    this.#cancelPoll?.();
    this.#cancelPoll = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await this.#source.close?.();
  }

  get protection(): boolean {
    return this.#status.protection;
  }

  status(): ThermalStatus {
    return this.#status;
  }

  /** Every reading of the last historyMs (10 minutes), oldest first. */
  history(): ThermalReading[] {
    return this.#history.slice(this.#historyStart);
  }

  /** Called when the status changes (temperature to 0.1 °C, availability, protection, extras). */
  onStatus(listener: StatusListener): () => void {
    return this.#subscribe(this.#statusListeners, listener);
  }

  /** Called only when protection switches on or off. */
  onProtection(listener: ProtectionListener): () => void {
    return this.#subscribe(this.#protectionListeners, listener);
  }

  #subscribe<T>(list: T[], listener: T): () => void {
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }

  /** Takes one reading and updates the status. Never throws. */
  poll(): ThermalStatus {
    const now = this.#scheduler.now();
    const sample = this.#readSafely();
    const fault = sample.ok ? this.#judge(sample.temperatureC, now) : sample.reason;
    const wasProtected = this.#status.protection;
    const wasAvailable = this.#status.available;
    const previousReason = this.#status.reason;

    let protection = wasProtected;
    let temperatureC = -1;
    if (fault === undefined && sample.ok) {
      temperatureC = round1(sample.temperatureC);
      this.#record({ time: now, temperatureC: sample.temperatureC });
      if (!protection && sample.temperatureC >= this.triggerC) protection = true;
      else if (protection && sample.temperatureC < this.resumeC) protection = false;
      if (!wasAvailable && this.#unavailableSince !== undefined) {
        this.#log.info('thermal_sensor_recovered', {
          temperatureC,
          unavailableMs: now - this.#unavailableSince,
        });
      }
      this.#unavailableSince = undefined;
    } else {
      this.#unavailableSince ??= now;
      if (wasAvailable || previousReason !== fault) {
        // The first look at a board without a sensor is not a fault worth a warning.
        const level = this.#source.kind === 'none' && !wasAvailable ? 'debug' : 'warn';
        this.#log.log(level, 'thermal_sensor_unavailable', { reason: fault });
      }
      if (protection && now - this.#unavailableSince >= this.#faultGraceMs) protection = false;
    }

    this.#status = {
      available: fault === undefined,
      temperatureC,
      ...(fault === undefined ? {} : { reason: fault }),
      protection,
      ...(protection ? { protectionSince: this.#protectionSince ?? now } : {}),
      triggerC: this.triggerC,
      resumeC: this.resumeC,
      ...(sample.cpuMHz === undefined ? {} : { cpuMHz: sample.cpuMHz }),
      ...(sample.fan === undefined ? {} : { fan: sample.fan }),
      ...(sample.firmwareThrottled === undefined
        ? {}
        : { firmwareThrottled: sample.firmwareThrottled }),
      source: this.#source.kind,
      recent: this.#recent,
    };

    if (protection !== wasProtected) this.#protectionChanged(protection, now, fault);
    this.#emitIfChanged();
    return this.#status;
  }

  #readSafely(): SensorSample {
    try {
      return this.#source.read();
    } catch (error) {
      return { ok: false, reason: `sensor read failed: ${(error as Error).message}` };
    }
  }

  /** Why a numeric reading is not to be trusted, or undefined when it is fine. */
  #judge(value: number, now: number): string | undefined {
    if (!Number.isFinite(value) || value < plausibleRangeC.min || value > plausibleRangeC.max) {
      this.#lastValue = undefined;
      return `implausible reading ${value} °C (expected ${plausibleRangeC.min} to ${plausibleRangeC.max} °C)`;
    }
    if (value !== this.#lastValue) {
      this.#lastValue = value;
      this.#lastValueSince = now;
      return undefined;
    }
    const stuckMs = now - this.#lastValueSince;
    if (stuckMs >= this.#stuckAfterMs) {
      return `the sensor has read exactly ${value} °C for ${Math.round(stuckMs / 60_000)} min: it looks stuck`;
    }
    return undefined;
  }

  #record(reading: ThermalReading): void {
    this.#history.push(reading);
    const horizon = reading.time - this.#historyMs;
    while (this.#historyStart < this.#history.length) {
      const oldest = this.#history[this.#historyStart];
      if (!oldest || oldest.time >= horizon) break;
      this.#historyStart++;
    }
    // Compact now and then rather than shifting on every poll.
    if (this.#historyStart > 1024 && this.#historyStart * 2 > this.#history.length) {
      this.#history = this.#history.slice(this.#historyStart);
      this.#historyStart = 0;
    }
    const lastRecent = this.#recent[this.#recent.length - 1];
    if (!lastRecent || reading.time - lastRecent.time >= this.#recentEveryMs) {
      const rounded = { time: reading.time, temperatureC: round1(reading.temperatureC) };
      this.#recent = [...this.#recent.filter((r) => r.time >= horizon), rounded];
    }
  }

  #protectionChanged(on: boolean, now: number, fault: string | undefined): void {
    if (on) {
      this.#protectionSince = now;
      this.#status = { ...this.#status, protectionSince: now };
      this.#log.critical('thermal_protection_started', {
        temperatureC: this.#status.temperatureC,
        triggerC: this.triggerC,
        resumeC: this.resumeC,
      });
    } else {
      const durationMs = now - (this.#protectionSince ?? now);
      this.#protectionSince = undefined;
      this.#log.info('thermal_protection_ended', {
        temperatureC: this.#status.temperatureC,
        durationMs,
        durationSec: Math.round(durationMs / 1000),
        ...(fault === undefined ? {} : { reason: `sensor unavailable: ${fault}` }),
      });
    }
    this.#notify(this.#protectionListeners, (listener) => listener(on, this.#status));
  }

  #emitIfChanged(): void {
    const s = this.#status;
    const key = [
      s.available,
      s.temperatureC,
      s.reason,
      s.protection,
      s.cpuMHz,
      s.fan,
      s.firmwareThrottled,
      s.source,
    ].join('|');
    if (key === this.#lastEmitKey) return;
    this.#lastEmitKey = key;
    this.#notify(this.#statusListeners, (listener) => listener(s));
  }

  /** Calls each listener in registration order; one that throws is logged, the rest still run. */
  #notify<T>(listeners: T[], call: (listener: T) => void): void {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        this.#log.error('thermal_listener_failed', {
          message: (error as Error).message,
          stack: (error as Error).stack,
        });
      }
    }
  }
}
