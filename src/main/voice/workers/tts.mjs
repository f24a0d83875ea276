// Text to speech off the main thread: a sherpa-onnx OfflineTts (a Piper voice,
// per the config the owner built), one sentence at a time. The owner is
// src/main/voice/sherpa/sherpaVoice.ts; the protocol is in
// src/main/voice/sherpa/sherpaProtocol.ts. Run with --probe, it is the
// throwaway process that tries a voice first (see sherpaEngine.mjs).
//
// Cancelling: generateAsync calls back as it goes, and returning 0 from that
// callback stops the generation; a cancelled sentence's samples are never sent.
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort } from 'node:worker_threads';
import { report, shouldStop } from '../../threads/workerSide.mjs';
import { loadSherpa, probeIfAsked, serveEngine } from './sherpaEngine.mjs';

/** Float samples in [-1, 1] as 16-bit PCM. */
function toInt16(samples) {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out[i] = Math.round(s * 32767);
  }
  return out;
}

// createAsync: the synchronous constructor aborts the process on a non-model file.
const create = (config) => loadSherpa().OfflineTts.createAsync(config);

if (isMainThread) {
  void probeIfAsked(async (config) => {
    const tts = await create(config);
    const audio = await tts.generateAsync({ text: 'Hi.', sid: 0, speed: 1 });
    return { sampleRate: tts.sampleRate, samples: audio.samples.length };
  });
} else {
  void run();
}

async function run() {
  /** Ids of sentences cancelled while (or before) they are generated. */
  const cancelled = new Set();
  await serveEngine({
    create,
    readyDetails: (tts) => ({ sampleRate: tts.sampleRate }),
    handle: async (tts, message) => {
      if (message?.type === 'cancel') {
        cancelled.add(message.id);
        return;
      }
      if (message?.type !== 'speak') return;
      const { id } = message;
      const started = performance.now();
      try {
        if (cancelled.has(id)) return;
        const audio = await tts.generateAsync({
          text: String(message.text),
          sid: 0,
          speed: Number(message.speed) || 1,
          // 0 stops the generation (barge-in, or the owner going away).
          onProgress: () => (cancelled.has(id) || shouldStop() ? 0 : 1),
        });
        if (cancelled.has(id)) return;
        const pcm = toInt16(audio.samples);
        // Transferred, not copied: a sentence is a few hundred kB.
        parentPort?.postMessage({ type: 'audio', id, pcm, ms: performance.now() - started }, [
          pcm.buffer,
        ]);
      } catch (error) {
        if (!cancelled.has(id)) {
          report({ type: 'error', id, message: String(error?.message ?? error) });
        }
      } finally {
        cancelled.delete(id);
      }
    },
  });
}
