// "Check cooling": loads every core with ManagedThreads for a chosen time,
// samples the temperature each second, reports live, and ends with the peak,
// the time to a steady temperature, whether the firmware throttled and a
// verdict a Pi owner can act on.
import { availableParallelism } from 'node:os';
import type { CoolingCheckReport, ThermalReading, ThermalStatus } from '../../shared/api';
import type { CoolingCheckPort } from '../contracts/thermal';
import type { Logger } from '../base/log';
import { ManagedThread } from '../threads/managedThread';
import { workerModule } from '../threads/workerModule';
import { realScheduler, type Scheduler } from '../base/scheduler';

/** What the check needs from the monitor. */
export interface CoolingCheckMonitor {
  status(): ThermalStatus;
  onProtection(listener: (on: boolean, status: ThermalStatus) => void): () => void;
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

/** Within this many °C of the final mean counts as steady. */
export const steadyToleranceC = 1;

/**
 * Seconds from the start until the temperature settled: the first sample after
 * which every sample stays within ±1 °C of the mean of the last fifth of the
 * run. null when the run is too short or the end itself is not steady (still
 * rising).
 */
export function secondsToSteadyState(samples: ThermalReading[], startedAt: number): number | null {
  if (samples.length < 10) return null;
  const tail = samples.slice(-Math.max(5, Math.ceil(samples.length / 5)));
  const finalMean = tail.reduce((sum, s) => sum + s.temperatureC, 0) / tail.length;
  const within = (s: ThermalReading): boolean =>
    Math.abs(s.temperatureC - finalMean) <= steadyToleranceC;
  if (!tail.every(within)) return null;
  let first = samples.length - 1;
  while (first > 0) {
    const previous = samples[first - 1];
    if (!previous || !within(previous)) break;
    first--;
  }
  const settled = samples[first];
  return settled ? Math.round((settled.time - startedAt) / 1000) : null;
}

export function verdict(report: {
  peakC: number;
  secondsToSteadyState: number | null;
  firmwareThrottled: boolean;
  protection: boolean;
  triggerC: number;
}): string {
  const peak = `${Math.round(report.peakC)} °C`;
  if (report.protection || report.firmwareThrottled || report.peakC >= report.triggerC) {
    return `Insufficient: add a fan. The board reached ${peak} and had to slow down; the official Active Cooler keeps a Pi 5 near 72 °C at full load.`;
  }
  if (report.peakC >= 80) {
    return `Marginal: peak ${peak}, at the firmware's 80 °C soft limit. Long answers may slow down; a fan is recommended.`;
  }
  if (report.secondsToSteadyState === null) {
    return `Cooling looks good so far: peak ${peak}, but it was still rising at the end. Run a longer check to be sure.`;
  }
  if (report.peakC >= 75) {
    return `Marginal: peak ${peak}, steady after ${report.secondsToSteadyState} s, with little headroom below 80 °C.`;
  }
  return `Cooling is good: peak ${peak}, steady after ${report.secondsToSteadyState} s.`;
}

/** The samples as CSV, for saving: time, seconds since start, temperature. */
export function toCsv(report: CoolingCheckReport): string {
  const start = report.startedAt ?? report.samples[0]?.time ?? 0;
  const rows = report.samples.map(
    (s) =>
      `${new Date(s.time).toISOString()},${((s.time - start) / 1000).toFixed(1)},${s.temperatureC.toFixed(1)}`,
  );
  return ['time,elapsed_s,temperature_c', ...rows].join('\n') + '\n';
}

export class CoolingCheck implements CoolingCheckPort {
  readonly #monitor: CoolingCheckMonitor;
  readonly #log: Logger;
  readonly #scheduler: Scheduler;
  readonly #cores: number;
  readonly #sampleMs: number;
  readonly #createLoad: (index: number) => ManagedThread;
  readonly #listeners: ((report: CoolingCheckReport) => void)[] = [];
  #report: CoolingCheckReport = { state: 'idle', samples: [] };
  #threads: ManagedThread[] = [];
  #cancelSampling: (() => void) | undefined;
  #offProtection: (() => void) | undefined;
  #throttled = false;
  #finishing: Promise<CoolingCheckReport> | undefined;

  constructor(options: CoolingCheckOptions) {
    this.#monitor = options.monitor;
    this.#log = options.logger;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#cores = options.cores ?? availableParallelism();
    this.#sampleMs = options.sampleMs ?? 1000;
    this.#createLoad =
      options.createLoad ??
      ((index) =>
        new ManagedThread({
          name: `cooling-check-${index}`,
          module: workerModule('coreLoad'),
          logger: this.#log,
        }));
  }

  /** Load threads running right now (the simulated board heats up with them). */
  get activeThreads(): number {
    return this.#report.state === 'running' ? this.#threads.length : 0;
  }

  report(): CoolingCheckReport {
    return this.#report;
  }

  onReport(listener: (report: CoolingCheckReport) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  start(durationSec: number): CoolingCheckReport {
    if (this.#report.state === 'running') return this.#report;
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
    this.#threads = Array.from({ length: this.#cores }, (_, i) => this.#createLoad(i));
    for (const thread of this.#threads) {
      thread.onError((error) => void this.#finish('error', error.message));
      thread.start().catch((error: Error) => void this.#finish('error', error.message));
    }
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

  #finish(
    state: 'done' | 'stopped' | 'protection' | 'error',
    error?: string,
  ): Promise<CoolingCheckReport> {
    if (this.#finishing) return this.#finishing;
    this.#cancelSampling?.();
    this.#cancelSampling = undefined;
    this.#offProtection?.();
    this.#offProtection = undefined;
    const threads = this.#threads;
    const report = this.#report;
    const samples = report.samples;
    const peakC = samples.reduce(
      (max, s) => Math.max(max, s.temperatureC),
      Number.NEGATIVE_INFINITY,
    );
    const startedAt = report.startedAt ?? this.#scheduler.now();
    const steady = secondsToSteadyState(samples, startedAt);
    const status = this.#monitor.status();
    const ended: CoolingCheckReport = {
      ...report,
      state,
      ...(samples.length > 0 ? { peakC: Math.round(peakC * 10) / 10 } : {}),
      secondsToSteadyState: steady,
      firmwareThrottled: this.#throttled,
      ...(error === undefined ? {} : { error }),
    };
    if (samples.length > 0 && state !== 'error') {
      const text = verdict({
        peakC,
        secondsToSteadyState: steady,
        firmwareThrottled: this.#throttled,
        protection: state === 'protection',
        triggerC: status.triggerC,
      });
      ended.verdict = state === 'stopped' ? `Stopped early. ${text}` : text;
    }
    this.#finishing = (async () => {
      // Stop all first so they wind down together, then wait for each.
      for (const thread of threads) thread.stop();
      await Promise.all(threads.map((thread) => thread.close()));
      this.#threads = [];
      this.#log.info('cooling_check_ended', {
        state,
        peakC: ended.peakC,
        secondsToSteadyState: steady,
        firmwareThrottled: this.#throttled,
      });
      this.#set(ended);
      return ended;
    })();
    return this.#finishing;
  }

  #set(report: CoolingCheckReport): void {
    this.#report = report;
    for (const listener of [...this.#listeners]) {
      try {
        listener(report);
      } catch (error) {
        this.#log.error('cooling_check_listener_failed', { message: (error as Error).message });
      }
    }
  }

  /** Ends a running check (state 'stopped') and waits for its threads. */
  async close(): Promise<void> {
    await this.stop();
    await this.#finishing;
  }
}
