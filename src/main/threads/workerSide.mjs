// The worker's half of ManagedThread's protocol. Plain JavaScript on purpose:
// worker files must load under plain Node (Vitest runs TS sources, and Node 20
// cannot load .ts in a worker), and electron-vite bundles them as they are.
//
// The owner hands over a SharedArrayBuffer; index 0 becomes non-zero when the
// owner asks the thread to stop. Checking it is one atomic load, cheap enough
// to call on every iteration of a busy loop.
import { parentPort, workerData } from 'node:worker_threads';

const envelope =
  workerData && typeof workerData === 'object' ? workerData.__hearthThread : undefined;
const stopFlag = new Int32Array(envelope ? envelope.stop : new SharedArrayBuffer(4));

/** True once the owner called stop(). */
export function shouldStop() {
  return Atomics.load(stopFlag, 0) !== 0;
}

/**
 * Sleeps up to ms milliseconds, waking at once when the owner asks to stop.
 * Returns shouldStop().
 */
export function sleepUnlessStopped(ms) {
  if (!shouldStop()) Atomics.wait(stopFlag, 0, 0, ms);
  return shouldStop();
}

/** The `data` the owner passed to ManagedThread. */
export function threadInput() {
  return envelope ? envelope.data : undefined;
}

/** Sends a message to the owner's onMessage listeners. */
export function report(message) {
  parentPort?.postMessage(message);
}
