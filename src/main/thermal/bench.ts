// Benchmarks for the thermal monitor, called from bench/run.ts. Each returns plain numbers.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { silentLogger as quiet } from '../log';
import { percentile } from '../stats';
import { ThermalMonitor } from './monitor';
import { SysfsThermalSource } from './sysfsSource';

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
 * CPU the monitor costs while polling a zone file at pollMs for durationMs, as
 * % of one core. cpuPercentOfOneCore is process CPU time over wall time, minus
 * the same process's idle cost measured just before (a loader such as tsx
 * costs more than the monitor); eventLoopPercent is the main thread's busy
 * share (performance.eventLoopUtilization), which only the monitor uses here;
 * pollMedianMs is one synchronous poll.
 */
export async function benchMonitorCpu(
  durationMs = 60_000,
  pollMs = 1000,
): Promise<{
  durationMs: number;
  polls: number;
  cpuPercentOfOneCore: number;
  idleCpuPercent: number;
  eventLoopPercent: number;
  pollMedianMs: number;
  /** pollMedianMs spent once per pollMs, as % of one core: the monitor's own cost. */
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
  const idleCpuPercent = await cpuPercent(Math.min(durationMs, 15_000));

  const source = new SysfsThermalSource({ zonePath: path });
  const monitor = new ThermalMonitor({ source, logger: quiet, pollMs });
  const pollTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    monitor.poll();
    pollTimes.push(performance.now() - t0);
  }
  pollTimes.sort((a, b) => a - b);

  const elu0 = performance.eventLoopUtilization();
  monitor.start();
  const withMonitor = await cpuPercent(durationMs);
  const elu = performance.eventLoopUtilization(elu0);
  await monitor.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    durationMs,
    polls: Math.floor(durationMs / pollMs),
    cpuPercentOfOneCore: Math.max(0, withMonitor - idleCpuPercent),
    idleCpuPercent,
    eventLoopPercent: elu.utilization * 100,
    pollMedianMs: percentile(pollTimes, 50),
    pollCostPercentOfOneCore: (percentile(pollTimes, 50) / pollMs) * 100,
  };
}
