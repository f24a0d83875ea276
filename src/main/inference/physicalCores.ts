// How many threads inference should use. More threads than physical cores wrecks
// llama.cpp's speed (hyper-threads share the same FPU), so the default is the
// number of distinct physical cores, never the logical CPU count.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Counts distinct (physical id, core id) pairs in /proc/cpuinfo text; null when it has none. */
export function countPhysicalCores(cpuinfo: string): number | null {
  const cores = new Set<string>();
  for (const block of cpuinfo.split(/\n\s*\n/)) {
    const physical = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1] ?? '0';
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (core !== undefined) cores.add(`${physical}:${core}`);
  }
  return cores.size > 0 ? cores.size : null;
}

export function physicalCoreCount(cpuinfoPath = '/proc/cpuinfo'): number {
  const logical = availableParallelism();
  try {
    const counted = countPhysicalCores(readFileSync(cpuinfoPath, 'utf8'));
    // A container may be limited to fewer CPUs than the machine has cores.
    if (counted !== null) return Math.max(1, Math.min(counted, logical));
  } catch {
    /* no /proc (macOS, Windows): fall back below */
  }
  return Math.max(1, logical);
}

/** The configured thread count when set, else the physical core count. */
export function inferenceThreads(configured: number | undefined, physical = physicalCoreCount()) {
  return configured ?? physical;
}
