// Speech to text off the main thread: a sherpa-onnx OfflineRecognizer
// (Moonshine or Whisper, per the config the owner built) over 16 kHz samples.
// The owner is src/main/voice/sherpa/sherpaRecognizer.ts; the protocol is in
// src/main/voice/sherpa/sherpaProtocol.ts. Run with --probe, it is the
// throwaway process that tries a model first (see sherpaEngine.mjs).
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { report } from '../../threads/workerSide.mjs';
import { loadSherpa, probeIfAsked, serveEngine } from './sherpaEngine.mjs';

const SAMPLE_RATE = 16_000;

async function transcribe(recognizer, pcm) {
  const samples = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 32768;
  const stream = recognizer.createStream();
  stream.acceptWaveform({ sampleRate: SAMPLE_RATE, samples });
  const result = await recognizer.decodeAsync(stream);
  return String(result?.text ?? '').trim();
}

// createAsync: the synchronous constructor aborts the process on a non-model file.
const create = (config) => loadSherpa().OfflineRecognizer.createAsync(config);

if (isMainThread) {
  void probeIfAsked(async (config) => {
    const recognizer = await create(config);
    // Half a second of quiet: enough to run every part of the model once.
    await transcribe(recognizer, new Int16Array(SAMPLE_RATE / 2));
    return {};
  });
} else {
  void run();
}

async function run() {
  await serveEngine({
    create,
    handle: async (recognizer, message) => {
      if (message?.type !== 'transcribe' || !(message.pcm instanceof Int16Array)) return;
      const started = performance.now();
      try {
        const text = await transcribe(recognizer, message.pcm);
        report({ type: 'text', id: message.id, text, ms: performance.now() - started });
      } catch (error) {
        report({ type: 'error', id: message.id, message: String(error?.message ?? error) });
      }
    },
  });
}
