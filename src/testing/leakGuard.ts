// Finds what a test left running: ManagedThreads (the registry), any raw
// worker_threads Worker, listening servers and pending timers. vitest.setup.ts
// snapshots before each test and fails the test if something is still there
// after a short settle delay.
//
// Why not only process.getActiveResourcesInfo(): on Node 20 it does not list
// worker threads at all, and its 'Timeout' count includes Vitest's own hook
// and test timeout timers, which come and go around hooks. So workers are
// counted by wrapping the Worker class, and timers by wrapping setTimeout and
// setInterval (Vitest keeps its own references to the real ones, so its timers
// are not counted). Servers are counted from getActiveResourcesInfo().
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as Timers from 'node:timers';
import type * as WorkerThreads from 'node:worker_threads';
import { threadRegistry, type ThreadInfo } from '../main/threads/registry';

/** Resource types (as process.getActiveResourcesInfo() names them) a test must not leave behind. */
export const watchedResources = ['TCPServerWrap', 'PipeServerWrap'] as const;

const describeResource: Record<string, string> = {
  TCPServerWrap: 'TCP server (TCPServerWrap) not closed',
  PipeServerWrap: 'pipe server (PipeServerWrap) not closed',
};

export interface TrackedTimer {
  id: number;
  kind: 'setTimeout' | 'setInterval';
  delayMs: number;
  /** Where it was created: the first stack frame outside this file. */
  createdAt: string;
}

export interface ResourceSnapshot {
  resources: Record<string, number>;
  threads: ThreadInfo[];
  /** Raw worker_threads Workers alive (ManagedThreads included). */
  workers: number;
  /** Referenced timers created since installLeakTracking() and neither fired nor cleared. */
  timers: TrackedTimer[];
}

// Captured at load: a test that installs fake timers must not stall the check.
const realSetTimeout = globalThis.setTimeout;
const realSleep = (ms: number): Promise<void> => new Promise((r) => realSetTimeout(r, ms));

const liveWorkers = new Set<object>();
const liveTimers = new Map<NodeJS.Timeout, TrackedTimer>();
let installed = false;
let nextTimerId = 1;
let pruneAt = 256;

function callerFrame(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  const outside = lines.find((line) => !line.includes('leakGuard.ts:'));
  return (outside ?? '').trim().replace(/^at /, '') || 'unknown place';
}

/**
 * Starts counting every Worker, setTimeout and setInterval created from now
 * on. Call once, before the code under test is imported (a Vitest setup file).
 */
export function installLeakTracking(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);

  const workerThreads = require('node:worker_threads') as typeof WorkerThreads;
  const OriginalWorker = workerThreads.Worker;
  class TrackedWorker extends OriginalWorker {
    constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
      super(...args);
      liveWorkers.add(this);
      this.once('exit', () => liveWorkers.delete(this));
    }
  }
  (workerThreads as { Worker: typeof OriginalWorker }).Worker = TrackedWorker;

  const timers = require('node:timers') as typeof Timers;
  const track = <F extends typeof setTimeout | typeof setInterval>(
    original: F,
    kind: TrackedTimer['kind'],
  ): F => {
    const wrapped = function (this: unknown, ...args: Parameters<F>): NodeJS.Timeout {
      const timer = (original as (...a: unknown[]) => NodeJS.Timeout).apply(this, args);
      if (liveTimers.size > pruneAt) {
        activeTimers(); // drops fired and cleared ones
        pruneAt = Math.max(256, liveTimers.size * 2);
      }
      liveTimers.set(timer, {
        id: nextTimerId++,
        kind,
        delayMs: Number(args[1] ?? 0),
        createdAt: callerFrame(),
      });
      return timer;
    };
    // Keeps setTimeout[util.promisify.custom].
    for (const symbol of Object.getOwnPropertySymbols(original)) {
      const descriptor = Object.getOwnPropertyDescriptor(original, symbol);
      if (descriptor) Object.defineProperty(wrapped, symbol, descriptor);
    }
    return wrapped as unknown as F;
  };
  const trackedSetTimeout = track(timers.setTimeout, 'setTimeout');
  const trackedSetInterval = track(timers.setInterval, 'setInterval');
  (timers as { setTimeout: typeof setTimeout }).setTimeout = trackedSetTimeout;
  (timers as { setInterval: typeof setInterval }).setInterval = trackedSetInterval;
  globalThis.setTimeout = trackedSetTimeout;
  globalThis.setInterval = trackedSetInterval;

  // Make `import { Worker } from 'node:worker_threads'` (and node:timers) see the wrappers.
  syncBuiltinESMExports();
}

function activeTimers(): TrackedTimer[] {
  const active: TrackedTimer[] = [];
  for (const [timer, info] of liveTimers) {
    const destroyed = (timer as unknown as { _destroyed?: boolean })._destroyed === true;
    if (destroyed) liveTimers.delete(timer);
    // An unref'd timer cannot keep the process (or a test run) alive.
    else if (timer.hasRef()) active.push(info);
  }
  return active;
}

export function takeSnapshot(): ResourceSnapshot {
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    resources[type] = (resources[type] ?? 0) + 1;
  }
  return {
    resources,
    threads: threadRegistry.list(),
    workers: liveWorkers.size,
    timers: activeTimers(),
  };
}

/** What is in `after` and not in `before`, in words; empty when nothing leaked. */
export function findLeaks(before: ResourceSnapshot, after: ResourceSnapshot): string[] {
  const leaks: string[] = [];
  const knownThreads = new Set(before.threads.map((t) => t.id));
  const newThreads = after.threads.filter((thread) => !knownThreads.has(thread.id));
  for (const thread of newThreads) {
    leaks.push(`ManagedThread "${thread.name}" (threadId ${thread.id}) still running`);
  }
  const extraWorkers = after.workers - before.workers - newThreads.length;
  if (extraWorkers > 0) {
    leaks.push(`${extraWorkers} worker thread(s) (not a ManagedThread) still running`);
  }
  for (const type of watchedResources) {
    const extra = (after.resources[type] ?? 0) - (before.resources[type] ?? 0);
    if (extra > 0) leaks.push(`${extra} ${describeResource[type] ?? type}`);
  }
  const knownTimers = new Set(before.timers.map((t) => t.id));
  for (const timer of after.timers) {
    if (knownTimers.has(timer.id)) continue;
    leaks.push(
      `timer (Timeout) from ${timer.kind}(…, ${timer.delayMs}) not cleared, created at ${timer.createdAt}`,
    );
  }
  return leaks;
}

/**
 * Checks for leaks against `before`, re-checking for up to settleMs so that
 * things already closing (a terminating worker, a closing server) may finish.
 */
export async function checkForLeaks(
  before: ResourceSnapshot,
  settleMs = 1000,
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<string[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const leaks = findLeaks(before, takeSnapshot());
    if (leaks.length === 0 || Date.now() >= deadline) return leaks;
    await sleep(20);
  }
}
