// Voice activity detection off the main thread: Silero VAD v5 run by
// sherpa-onnx-node's Vad over the microphone's 16 kHz samples, in 512-sample
// (32 ms) windows. The owner is src/main/voice/voiceActivity.ts; the protocol
// is in src/main/voice/vadProtocol.ts. Plain JavaScript for the same reason as
// ../../threads/workerSide.mjs.
//
// The model file is read and its sha256 checked here before onnxruntime sees
// it: a truncated or corrupt file is a clear error, not a native crash.
//
// Strict mode (while Hearth speaks): Silero's speech probability barely moves
// with loudness (measured: the same sentence at 5 % of its level still scores
// over 0.95), so a higher probability threshold cannot tell a person near the
// screen from Hearth's own voice coming back from its speaker. Strict mode
// instead asks that speech be loud: the running level of the detected speech
// must reach strictLevelDbfs before it counts.
//
// Generations: each reset starts a new one, and audio and resets say which
// they belong to. Every event is tagged with the generation of the audio that
// caused it, so the owner can tell the closing words of one utterance, found
// after the next has begun, from the next one's. Time spent on frames is
// reported as it accrues ('busy'), so listening counts as the load it is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort } from 'node:worker_threads';
import { report, shouldStop, threadInput } from '../../threads/workerSide.mjs';

const WINDOW = 512;

const input = /** @type {Record<string, unknown>} */ (threadInput() ?? {});
const config = {
  modelPath: String(input.modelPath),
  sha256: String(input.sha256),
  sampleRate: Number(input.sampleRate),
  threshold: Number(input.threshold),
  minSilenceMs: Number(input.minSilenceMs),
  minSpeechMs: Number(input.minSpeechMs),
  maxSpeechMs: Number(input.maxSpeechMs),
  prerollMs: Number(input.prerollMs),
  strictLevelDbfs: Number(input.strictLevelDbfs),
};

/** The model's bytes, or why they are not the pinned model. */
function checkModel() {
  let bytes;
  try {
    bytes = readFileSync(config.modelPath);
  } catch (error) {
    return `the voice activity model ${config.modelPath} cannot be read: ${error.message}`;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== config.sha256) {
    return (
      `the voice activity model ${config.modelPath} is damaged or not the pinned one ` +
      `(${bytes.length} bytes, sha256 ${sha256}; expected ${config.sha256})`
    );
  }
  return undefined;
}

function loadVad() {
  const require = createRequire(import.meta.url);
  let sherpa;
  try {
    sherpa = require('sherpa-onnx-node');
  } catch (error) {
    throw new Error(
      `sherpa-onnx-node cannot be loaded on ${process.platform}-${process.arch}: ${error.message}`,
    );
  }
  return new sherpa.Vad(
    {
      sileroVad: {
        model: config.modelPath,
        threshold: config.threshold,
        minSilenceDuration: config.minSilenceMs / 1000,
        minSpeechDuration: config.minSpeechMs / 1000,
        windowSize: WINDOW,
        maxSpeechDuration: config.maxSpeechMs / 1000,
      },
      sampleRate: config.sampleRate,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    },
    // Seconds of audio the Vad may hold: the longest utterance and some slack.
    Math.ceil(config.maxSpeechMs / 1000) + 5,
  );
}

/**
 * The last few seconds of raw samples, indexed by absolute sample number, so
 * an utterance goes back exactly as the microphone sent it, with its pre-roll.
 */
class History {
  constructor(seconds) {
    this.samples = new Int16Array(seconds * config.sampleRate);
    /** Samples written since the start (absolute index of the next one). */
    this.total = 0;
  }

  push(pcm) {
    const size = this.samples.length;
    for (let i = 0; i < pcm.length; i++) this.samples[(this.total + i) % size] = pcm[i];
    this.total += pcm.length;
  }

  /** Samples [from, to), clamped to what is still held. */
  slice(from, to) {
    const size = this.samples.length;
    const start = Math.max(from, this.total - size, 0);
    const end = Math.min(to, this.total);
    const out = new Int16Array(Math.max(0, end - start));
    for (let i = 0; i < out.length; i++) out[i] = this.samples[(start + i) % size];
    return out;
  }
}

/** Level in dBFS (a full-scale square wave is 0), floored at -120 for silence. */
function dbfs(sumSquares, count) {
  if (count === 0 || sumSquares === 0) return -120;
  return Math.max(-120, 10 * Math.log10(sumSquares / count / (32768 * 32768)));
}

const problem = checkModel();
if (problem) {
  report({ type: 'failed', message: problem });
  parentPort?.close();
} else {
  let vad;
  const loadStart = performance.now();
  try {
    vad = loadVad();
  } catch (error) {
    report({
      type: 'failed',
      message: `the voice activity model failed to load: ${error.message}`,
    });
    parentPort?.close();
  }
  if (vad) run(vad, performance.now() - loadStart);
}

function run(vad, loadMs) {
  const history = new History(Math.ceil((config.maxSpeechMs + config.prerollMs) / 1000) + 6);
  const preroll = Math.round((config.prerollMs * config.sampleRate) / 1000);
  // Detection comes minSpeechMs and two windows after the speech began: so
  // much of an utterance is there before speechSamples counts it.
  const longest =
    Math.round(
      ((config.maxSpeechMs - config.prerollMs - config.minSpeechMs) * config.sampleRate) / 1000,
    ) -
    2 * WINDOW;
  /** Samples waiting for a full window. */
  let pending = new Int16Array(0);
  let strict = false;
  /**
   * Whether strict mode was on at any time during the speech the Vad is in: the
   * segment is judged by it when it ends, a hangover later, by when Hearth's
   * own voice may have stopped and strict mode with it.
   */
  let strictDuringSpeech = false;
  /** Whether speechStart was sent for the speech the Vad is in. */
  let announced = false;
  /** Level of the speech so far, from when the Vad said it began. */
  let speechSquares = 0;
  let speechSamples = 0;
  let frames = 0;
  let busyMs = 0;
  /** Busy time not yet reported. */
  let unreportedMs = 0;
  /** The generation of the audio being processed (see vadProtocol.ts). */
  let generation = 0;
  const window = new Float32Array(WINDOW);

  const loudEnough = (squares, count, judgeStrict = strict) =>
    !judgeStrict || dbfs(squares, count) >= config.strictLevelDbfs;

  const handOver = () => {
    while (!vad.isEmpty()) {
      const segment = vad.front(false);
      vad.pop();
      const start = segment.start;
      const length = segment.samples.length;
      let squares = 0;
      for (let i = 0; i < length; i++) squares += (segment.samples[i] * 32768) ** 2;
      const judgeStrict = strict || strictDuringSpeech;
      strictDuringSpeech = false;
      if (!announced && !loudEnough(squares, length, judgeStrict)) {
        report({ type: 'ignored', samples: length, levelDbfs: dbfs(squares, length) });
        continue;
      }
      if (!announced) report({ type: 'speechStart', generation });
      announced = false;
      const pcm = history.slice(start - preroll, start + length);
      report({ type: 'speechEnd', generation, pcm, levelDbfs: dbfs(squares, length) });
    }
  };

  const accept = (samples) => {
    history.push(samples);
    const joined = new Int16Array(pending.length + samples.length);
    joined.set(pending);
    joined.set(samples, pending.length);
    let offset = 0;
    const began = performance.now();
    for (; offset + WINDOW <= joined.length; offset += WINDOW) {
      let squares = 0;
      for (let i = 0; i < WINDOW; i++) {
        const sample = joined[offset + i];
        window[i] = sample / 32768;
        squares += sample * sample;
      }
      vad.acceptWaveform(window);
      frames++;
      if (vad.isDetected()) {
        if (strict) strictDuringSpeech = true;
        speechSquares += squares;
        speechSamples += WINDOW;
        if (!announced && loudEnough(speechSquares, speechSamples, strict || strictDuringSpeech)) {
          announced = true;
          report({ type: 'speechStart', generation });
        }
        // Silero's own limit splits long speech only where it finds a dip; an
        // utterance must never outgrow the history (nor a client's limit).
        if (speechSamples >= longest) {
          vad.flush();
          speechSquares = 0;
          speechSamples = 0;
        }
      } else {
        speechSquares = 0;
        speechSamples = 0;
      }
      handOver();
    }
    const spent = performance.now() - began;
    busyMs += spent;
    unreportedMs += spent;
    pending = joined.slice(offset);
  };

  const reportBusy = () => {
    if (unreportedMs <= 0) return;
    report({ type: 'busy', ms: unreportedMs });
    unreportedMs = 0;
  };

  /** Forgets speech in progress: the Vad counts samples from zero again, so does the history. */
  const reset = (next) => {
    generation = next;
    vad.reset();
    history.total = 0;
    pending = new Int16Array(0);
    announced = false;
    strictDuringSpeech = false;
    speechSquares = 0;
    speechSamples = 0;
  };

  // Idle between frames, the worker would not see a stop request otherwise;
  // busy time goes out a few times a second, not once per frame.
  const stopWatch = setInterval(() => {
    if (shouldStop()) close();
    else reportBusy();
  }, 200);
  stopWatch.unref();

  const close = () => {
    clearInterval(stopWatch);
    vad = undefined;
    parentPort?.close();
  };

  parentPort?.on('message', (message) => {
    if (shouldStop() || !vad) return close();
    switch (message?.type) {
      case 'audio':
        if (!(message.pcm instanceof Int16Array)) break;
        // Audio of a generation the worker has not been reset to (never, as
        // the owner sends the reset first) still starts from a clean state.
        if (Number.isInteger(message.generation) && message.generation !== generation) {
          reset(message.generation);
        }
        accept(message.pcm);
        break;
      case 'strict':
        strict = message.on === true;
        break;
      case 'reset':
        if (Number.isInteger(message.generation)) reset(message.generation);
        break;
      case 'stats':
        // Busy time first: once stats are answered, all of it has been reported.
        reportBusy();
        report({ type: 'stats', frames, busyMs, loadMs });
        break;
      case 'close':
        close();
        break;
      default:
        break;
    }
  });
  report({ type: 'ready', loadMs });
}
