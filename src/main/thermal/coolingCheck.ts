// "Check cooling": loads every core with ManagedThreads for a chosen time,
// samples the temperature each second, reports live, and ends with the peak,
// the time to a steady temperature, whether the firmware throttled and a
// verdict (coolingReport.ts judges the run).
import { availableParallelism } from 'node:os';
import type { CoolingCheckReport, ThermalReading, ThermalStatus } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { CoolingCheckPort } from '../contracts/thermal';
import type { Logger } from '../base/log';
import { ManagedThread } from '../threads/managedThread';
import { workerModule } from '../threads/workerModule';
import { realScheduler, type Scheduler } from '../base/scheduler';
import { endReport, type EndState } from './coolingReport';
import { CoreLoad } from './coreLoad';

/** What the check needs from the monitor. */
export interface CoolingCheckMonitor {
  status(): ThermalStatus;
  onProtection(listener: (on: boolean, status: ThermalStatus) => void): Subscription;
}

export interface CoolingCheckOptions {
  monitor: CoolingCheckMonitor;
  logger: Logger;
  scheduler?: Scheduler;
  /** Load threads; default one per core. */
  cores?: number;
  sampleMs?: number;
  /** Makes one load thread; default a coreLoad worker. */
  createLoad?: (index: number) => ManagedThread;
}

export class CoolingCheck implements CoolingCheckPort, AsyncDisposable {
  readonly #monitor: CoolingCheckMonitor;
  readonly #log: Logger;
  readonly #scheduler: Scheduler;
  readonly #cores: number;
  readonly #sampleMs: number;
  readonly #load: CoreLoad;
  readonly #reports: Emitter<CoolingCheckReport>;
  #report: CoolingCheckReport = { state: 'idle', samples: [] };
  #cancelSampling: (() => void) | undefined;
  #offProtection: Subscription | undefined;
  #throttled = false;
  #finishing: Promise<CoolingCheckReport> | undefined;
  #disposed = false;

  constructor(options: CoolingCheckOptions) {
    this.#monitor = options.monitor;
    this.#log = options.logger;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#cores = options.cores ?? availableParallelism();
    this.#sampleMs = options.sampleMs ?? 1000;
    this.#load = new CoreLoad(
      options.createLoad ??
        ((index) =>
          new ManagedThread({
            name: `cooling-check-${index}`,
            module: workerModule('coreLoad'),
            logger: this.#log,
          })),
    );
    this.#reports = new Emitter((error) =>
      this.#log.error('cooling_check_listener_failed', { error: String(error) }),
    );
  }

  /** Load threads running right now (the simulated board heats up with them). */
  get activeThreads(): number {
    return this.#report.state === 'running' ? this.#load.threads : 0;
  }

  report(): CoolingCheckReport {
    return this.#report;
  }

  onReport(listener: (report: CoolingCheckReport) => void): Subscription {
    return this.#reports.subscribe(listener);
  }

  start(durationSec: number): CoolingCheckReport {
    if (this.#report.state === 'running' || this.#disposed) return this.#report;
    const status = this.#monitor.status();
    const startedAt = this.#scheduler.now();
    if (!status.available) {
      this.#set({
        state: 'error',
        startedAt,
        durationSec,
        samples: [],
        error: `No temperature reading: ${status.reason ?? 'no sensor'}`,
      });
      return this.#report;
    }
    if (status.protection) {
      this.#set({
        state: 'error',
        startedAt,
        durationSec,
        samples: [],
        error:
          'The board is already cooling down; try again once it is below the resume temperature.',
      });
      return this.#report;
    }
    this.#finishing = undefined;
    this.#throttled = false;
    this.#load.start(this.#cores, (message) => void this.#finish('error', message));
    this.#offProtection = this.#monitor.onProtection((on) => {
      if (on) void this.#finish('protection');
    });
    this.#cancelSampling = this.#scheduler.every(this.#sampleMs, () => this.#sample(durationSec));
    this.#log.info('cooling_check_started', { durationSec, threads: this.#cores });
    this.#set({ state: 'running', startedAt, durationSec, samples: [this.#reading(status)] });
    return this.#report;
  }

  /** Stops a running check; resolves once every load thread has exited. */
  stop(): Promise<CoolingCheckReport> {
    if (this.#report.state !== 'running') return this.#finishing ?? Promise.resolve(this.#report);
    return this.#finish('stopped');
  }

  /** Resolves when the current check has ended and its threads are gone. */
  finished(): Promise<CoolingCheckReport> {
    if (this.#report.state !== 'running') return this.#finishing ?? Promise.resolve(this.#report);
    return new Promise((resolve) => {
      const off = this.onReport((report) => {
        if (report.state !== 'running') {
          off();
          void (this.#finishing ?? Promise.resolve(report)).then(resolve);
        }
      });
    });
  }

  #reading(status: ThermalStatus): ThermalReading {
    return { time: this.#scheduler.now(), temperatureC: status.temperatureC };
  }

  #sample(durationSec: number): void {
    const status = this.#monitor.status();
    const report = this.#report;
    if (status.available) {
      if (status.firmwareThrottled) this.#throttled = true;
      this.#set({ ...report, samples: [...report.samples, this.#reading(status)] });
    }
    if (this.#scheduler.now() - (report.startedAt ?? 0) >= durationSec * 1000) {
      void this.#finish('done');
    }
  }

  #finish(state: EndState, error?: string): Promise<CoolingCheckReport> {
    if (this.#finishing) return this.#finishing;
    this.#cancelSampling?.();
    this.#cancelSampling = undefined;
    this.#offProtection?.();
    this.#offProtection = undefined;
    const ended = endReport(
      this.#report,
      {
        state,
        firmwareThrottled: this.#throttled,
        triggerC: this.#monitor.status().triggerC,
        ...(error === undefined ? {} : { error }),
      },
      this.#scheduler.now(),
    );
    this.#finishing = (async () => {
      await this.#load.stop();
      this.#log.info('cooling_check_ended', {
        state,
        peakC: ended.peakC,
        secondsToSteadyState: ended.secondsToSteadyState,
        firmwareThrottled: this.#throttled,
      });
      this.#set(ended);
      return ended;
    })();
    return this.#finishing;
  }

  #set(report: CoolingCheckReport): void {
    this.#report = report;
    this.#reports.fire(report);
  }

  /**
   * Ends a running check (state 'stopped', which listeners still hear), waits
   * for its threads, then drops every listener; no check starts after this.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.stop();
    await this.#finishing;
    this.#reports.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
