// What the sherpa-onnx workers (recognizer.mjs, tts.mjs) share: loading
// sherpa-onnx-node, and the probe that tries a model in a throwaway process.
// Plain JavaScript for the same reason as ../../threads/workerSide.mjs.
//
// Why a probe: measured with sherpa-onnx-node 1.13.8, a file that is not a
// model makes the synchronous constructors abort the process (an uncaught
// Ort::Exception), and an ONNX model that lacks the engine's metadata (the
// Silero VAD model given as a Whisper encoder or a Piper voice) makes even
// createAsync() call exit(255). Both end the whole process, worker thread or
// not, so no ManagedThread can catch them. The owner therefore first loads
// each model, and runs it once, in a child process (`<worker> --probe <config>`,
// the config as base64 JSON: Electron's utilityProcess, which runs it in the
// kiosk, gives a child no stdin); only a model that survived that is loaded in
// the worker.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort } from 'node:worker_threads';
import { report, shouldStop, threadInput } from '../../threads/workerSide.mjs';
import { Buffer } from 'node:buffer';
import process from 'node:process';

/** sherpa-onnx-node, or an Error saying it cannot be loaded here. */
export function loadSherpa() {
  const require = createRequire(import.meta.url);
  try {
    return require('sherpa-onnx-node');
  } catch (error) {
    throw new Error(
      `sherpa-onnx-node cannot be loaded on ${process.platform}-${process.arch}: ${error.message}`,
    );
  }
}

/** The config the owner passed after --probe (sherpaProbe.ts probeArgs). */
function probeConfig() {
  const encoded = process.argv[3];
  if (!encoded) throw new Error('the probe was given no config');
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

/**
 * Probe mode: `try(config)` loads and runs the model once; the outcome is
 * one JSON line on stdout and exit code 0. A native crash is the parent's
 * to see (a signal or another exit code).
 */
export async function probeIfAsked(tryModel) {
  if (process.argv[2] !== '--probe') return false;
  try {
    const config = probeConfig();
    const details = await tryModel(config);
    process.stdout.write(`${JSON.stringify({ ok: true, ...details })}\n`);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({ ok: false, message: String(error?.message ?? error) })}\n`,
    );
  }
  process.exit(0);
}

/**
 * Worker mode: loads the engine from the owner's config, says 'ready' (with
 * `readyDetails(engine)`) or 'failed', then hands each message to
 * `handle(engine, message)` until the owner closes it or asks it to stop.
 */
export async function serveEngine({ create, readyDetails = () => ({}), handle }) {
  const input = /** @type {{ config: object }} */ (threadInput());
  const began = performance.now();
  let engine;
  try {
    engine = await create(input.config);
  } catch (error) {
    report({ type: 'failed', message: String(error?.message ?? error) });
    parentPort?.close();
    return;
  }
  report({ type: 'ready', loadMs: performance.now() - began, ...readyDetails(engine) });

  const close = () => {
    clearInterval(stopWatch);
    engine = undefined;
    parentPort?.close();
  };
  const stopWatch = setInterval(() => {
    if (shouldStop()) close();
  }, 200);
  stopWatch.unref();

  parentPort?.on('message', (message) => {
    if (shouldStop() || !engine) return close();
    if (message?.type === 'close') return close();
    void handle(engine, message);
  });
}
