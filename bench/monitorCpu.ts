// Runs the monitor CPU benchmark in a process of its own under plain Node (a
// TypeScript loader's own idle cost would swamp a figure this small); prints JSON.
import { benchMonitorCpu } from './thermal';

const durationMs = Number(process.argv[2] ?? 60_000);
console.log(JSON.stringify(await benchMonitorCpu(durationMs, 1000)));
