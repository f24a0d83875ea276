// Watches the board's temperature: polls a source every second, judges each
// sample, keeps the last minutes of readings, switches protection at the
// thresholds and tells listeners. Each of those jobs has a module of its own;
// this front runs them in order on every poll. Sensor faults become an
// "unavailable" status with a reason, never an exception.
import type { ThermalReading, ThermalStatus } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import { DisposableStore } from '../../shared/lifecycle';
import type {
  ThermalPort,
  ThermalReadingSample,
  ThermalThresholdsPort,
} from '../contracts/thermal';
import type { Logger } from '../base/log';
import { realScheduler, type Scheduler } from '../base/scheduler';
import { SensorAvailability } from './availability';
import { Polling } from './polling';
import { ProtectionSwitch } from './protection';
import { SampleJudge } from './sampleJudge';
import type { ThermalSource } from './source';
import { assembleStatus, initialStatus, roundToTenth, statusChangeKey } from './thermalStatus';
import { ReadingTrend } from './trend';

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

export class ThermalMonitor implements ThermalPort, ThermalThresholdsPort, AsyncDisposable {
  readonly pollMs: number;
  readonly #source: ThermalSource;
  readonly #log: Logger;
  readonly #scheduler: Scheduler;
  readonly #judge: SampleJudge;
  readonly #availability: SensorAvailability;
  readonly #protection: ProtectionSwitch;
  readonly #trend: ReadingTrend;
  readonly #polling: Polling;
  readonly #owned = new DisposableStore();
  readonly #statuses: Emitter<ThermalStatus>;
  readonly #readings: Emitter<ThermalReadingSample>;
  readonly #protectionSwitches: Emitter<ThermalStatus>;
  #status: ThermalStatus;
  #lastStatusKey = '';

  constructor(options: ThermalMonitorOptions) {
    this.#log = options.logger;
    this.#protection = new ProtectionSwitch({
      triggerC: options.triggerC ?? 85,
      resumeC: options.resumeC ?? 80,
      faultGraceMs: options.faultGraceMs ?? 30_000,
      logger: this.#log,
    });
    this.pollMs = options.pollMs ?? 1000;
    this.#source = options.source;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#judge = new SampleJudge(options.stuckAfterMs ?? 3 * 60_000);
    this.#availability = new SensorAvailability(this.#log);
    const historyMs = options.historyMs ?? 10 * 60_000;
    this.#trend = new ReadingTrend({
      historyMs,
      pointEveryMs: Math.max(this.pollMs, historyMs / (options.recentPoints ?? 120)),
    });
    this.#status = initialStatus({
      triggerC: this.triggerC,
      resumeC: this.resumeC,
      source: this.#source.kind,
    });

    const onListenerError = (error: unknown): void =>
      this.#log.error('thermal_listener_failed', { error: String(error) });
    this.#owned.defer(() => this.#source.dispose?.());
    this.#statuses = this.#owned.add(new Emitter(onListenerError));
    this.#readings = this.#owned.add(new Emitter(onListenerError));
    this.#protectionSwitches = this.#owned.add(new Emitter(onListenerError));
    this.#polling = this.#owned.add(new Polling(this.#scheduler, this.pollMs, () => this.poll()));
  }

  get triggerC(): number {
    return this.#protection.triggerC;
  }

  get resumeC(): number {
    return this.#protection.resumeC;
  }

  get protection(): boolean {
    return this.#status.protection;
  }

  /**
   * Changes the thresholds and judges a fresh reading against them at once, so
   * the status (and the governor that follows it) shows them without waiting.
   */
  setThresholds(triggerC: number, resumeC: number): void {
    this.#protection.setThresholds(triggerC, resumeC);
    this.#log.info('thermal_thresholds_changed', { triggerC, resumeC });
    if (!this.#owned.isDisposed) this.poll();
  }

  /** Polls now and then every pollMs, until stop(). */
  start(): void {
    if (this.#polling.running || this.#owned.isDisposed) return;
    this.poll();
    if (this.#source.kind === 'none') {
      this.#log.info('thermal_sensor_absent', { reason: this.#status.reason });
    }
    this.#polling.start();
  }

  /** Stops polling; start() resumes it. */
  stop(): void {
    this.#polling.stop();
  }

  /** Stops polling for good, drops every listener and releases the source. */
  dispose(): Promise<void> {
    return this.#owned.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  status(): ThermalStatus {
    return this.#status;
  }

  /** Every reading of the last historyMs (10 minutes), oldest first. */
  history(): ThermalReading[] {
    return this.#trend.history();
  }

  onStatus(listener: (status: ThermalStatus) => void): Subscription {
    return this.#statuses.subscribe(listener);
  }

  /** A poll that also changes the status fires onReading first, then onStatus. */
  onReading(listener: (sample: ThermalReadingSample) => void): Subscription {
    return this.#readings.subscribe(listener);
  }

  /** Called only when protection switches on or off. */
  onProtection(listener: (on: boolean, status: ThermalStatus) => void): Subscription {
    return this.#protectionSwitches.subscribe((status) => listener(status.protection, status));
  }

  /** Takes one reading and updates the status. Never throws. */
  poll(): ThermalStatus {
    const now = this.#scheduler.now();
    const sample = this.#judge.take(this.#source, now);
    let switched: boolean;
    if (sample.ok) {
      const shownC = roundToTenth(sample.temperatureC);
      this.#availability.up(shownC, now);
      this.#trend.record({ time: now, temperatureC: sample.temperatureC });
      switched = this.#protection.reading(sample.temperatureC, shownC, now);
    } else {
      const unavailableMs = this.#availability.down(sample.reason, this.#source.kind, now);
      switched = this.#protection.fault(sample.reason, unavailableMs, now);
    }
    const status = assembleStatus({
      sample,
      protection: this.#protection,
      triggerC: this.triggerC,
      resumeC: this.resumeC,
      source: this.#source.kind,
      recent: this.#trend.recent,
    });
    this.#status = status;

    if (switched) this.#protectionSwitches.fire(status);
    if (status.available) {
      this.#readings.fire({
        reading: { time: now, temperatureC: status.temperatureC },
        ...(status.cpuMHz === undefined ? {} : { cpuMHz: status.cpuMHz }),
        ...(status.fan === undefined ? {} : { fan: status.fan }),
      });
    }
    const key = statusChangeKey(status);
    if (key !== this.#lastStatusKey) {
      this.#lastStatusKey = key;
      this.#statuses.fire(status);
    }
    return status;
  }
}
