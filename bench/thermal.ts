// Benchmarks for the thermal monitor, called from bench/run.ts. Each returns plain numbers.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { silentLogger as quiet } from '../src/testing/loggers';
import { median, percentile } from './median';
import { ThermalMonitor } from '../src/main/thermal/monitor';
import { SysfsThermalSource } from '../src/main/thermal/sysfsSource';

function withZoneFile<T>(fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const path = join(dir, 'temp');
  writeFileSync(path, '52345\n');
  try {
    return fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Latency of one sensor read (the monitor's path) and of plain readFileSync, in ms. */
export function benchSensorRead(reads = 10_000): {
  reads: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  readFileSyncP50Ms: number;
  readFileSyncP99Ms: number;
} {
  return withZoneFile((path) => {
    const source = new SysfsThermalSource({
      zonePath: path,
      cpuFreqPath: null,
      thermalClassDir: null,
      hwmonDir: null,
      vcgencmdPath: null,
    });
    const time = (fn: () => void): number[] => {
      for (let i = 0; i < 200; i++) fn(); // warm up
      const samples = new Array<number>(reads);
      for (let i = 0; i < reads; i++) {
        const start = performance.now();
        fn();
        samples[i] = performance.now() - start;
      }
      return samples.sort((a, b) => a - b);
    };
    const ours = time(() => source.read());
    const plain = time(() => readFileSync(path, 'latin1'));
    return {
      reads,
      p50Ms: percentile(ours, 50),
      p99Ms: percentile(ours, 99),
      maxMs: ours[ours.length - 1] ?? Number.NaN,
      readFileSyncP50Ms: percentile(plain, 50),
      readFileSyncP99Ms: percentile(plain, 99),
    };
  });
}

/**
 * CPU time of the whole process in ms. Linux's per-thread schedstat counts in
 * nanoseconds; process.cpuUsage() is sampled in scheduler ticks of 1-4 ms, which
 * is as large as a minute of the monitor's work. Falls back to it elsewhere.
 */
export function processCpuMs(): number {
  try {
    let ns = 0;
    for (const task of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8');
      ns += Number(stat.split(' ')[0]);
    }
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    /* not Linux, or a thread ended while we read */
  }
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU the monitor costs while polling a zone file once per pollMs, as % of one
 * core, measured side by side: windows of an idle process, of an empty timer at
 * the same rate and of the monitor alternate for several rounds (the monitor's
 * windows add up to durationMs), and each figure is the median of its windows.
 * cpuPercentOfOneCore is the monitor over idle; emptyTimerPercentOfOneCore shows
 * what merely waking the process that often costs on this machine.
 */
export async function benchMonitorCpu(
  durationMs = 60_000,
  pollMs = 1000,
  rounds = 4,
): Promise<{
  durationMs: number;
  rounds: number;
  idlePercent: number;
  cpuPercentOfOneCore: number;
  emptyTimerPercentOfOneCore: number;
  pollMedianMs: number;
  /** pollMedianMs spent once per pollMs, as % of one core: a warm poll's own cost. */
  pollCostPercentOfOneCore: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const path = join(dir, 'temp');
  writeFileSync(path, '52345\n');
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const cpuPercent = async (ms: number): Promise<number> => {
    const cpu0 = processCpuMs();
    const wall0 = performance.now();
    await sleep(ms);
    return ((processCpuMs() - cpu0) / (performance.now() - wall0)) * 100;
  };

  const source = new SysfsThermalSource({ zonePath: path });
  const monitor = new ThermalMonitor({ source, logger: quiet, pollMs });
  const pollTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    monitor.poll();
    pollTimes.push(performance.now() - t0);
  }
  // Let start-up work (compilation, the first collections) settle before measuring.
  await sleep(5000);

  const window = Math.max(pollMs * 2, Math.round(durationMs / rounds));
  const idle: number[] = [];
  const timer: number[] = [];
  const monitored: number[] = [];
  for (let round = 0; round < rounds; round++) {
    idle.push(await cpuPercent(window));
    const empty = setInterval(() => {}, pollMs);
    timer.push(await cpuPercent(window));
    clearInterval(empty);
    monitor.start();
    monitored.push(await cpuPercent(window));
    monitor.stop();
  }
  await monitor.dispose();
  rmSync(dir, { recursive: true, force: true });
  const idlePercent = median(idle);
  return {
    durationMs: window * rounds,
    rounds,
    idlePercent,
    cpuPercentOfOneCore: Math.max(0, median(monitored) - idlePercent),
    emptyTimerPercentOfOneCore: Math.max(0, median(timer) - idlePercent),
    pollMedianMs: percentile(pollTimes, 50),
    pollCostPercentOfOneCore: (percentile(pollTimes, 50) / pollMs) * 100,
  };
}
