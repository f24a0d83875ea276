// Runs the monitor CPU benchmark in a process of its own under plain Node (a
// TypeScript loader's own idle cost would swamp a figure this small); prints JSON.
// Beside it, the same measurement of an empty 1 Hz timer: the floor that any
// once-a-second wake-up of a Node process costs, whatever it does.
import { benchMonitorCpu, processCpuMs } from '../src/main/thermal/bench';

const durationMs = Number(process.argv[2] ?? 60_000);

async function cpuPercent(ms: number): Promise<number> {
  const cpu0 = processCpuMs();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((processCpuMs() - cpu0) / (performance.now() - wall0)) * 100;
}

// Let start-up work (compilation, the first collections) settle before measuring idle.
await new Promise((resolve) => setTimeout(resolve, 5000));
const idle = await cpuPercent(Math.min(durationMs, 15_000));
const timer = setInterval(() => {}, 1000);
const withEmptyTimer = await cpuPercent(Math.min(durationMs, 30_000));
clearInterval(timer);
const monitor = await benchMonitorCpu(durationMs, 1000);
console.log(
  JSON.stringify({ ...monitor, emptyTimerPercentOfOneCore: Math.max(0, withEmptyTimer - idle) }),
);
