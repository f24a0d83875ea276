// The voice engines measured on their own, for `npm run bench voice`: where the
// speech detector decides that speech ended (in samples, so the machine's load
// does not move it), what a window of it costs, how long flite takes to speak a
// sentence, the peak memory of the engines that run as child processes, and a
// headless Hearth's memory with and without voice engines on its PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIO_SAMPLE_RATE } from '../src/shared/audio';
import { Flite } from '../src/main/voice/flite';
import { Pocketsphinx } from '../src/main/voice/pocketsphinx';
import { VoiceActivity } from '../src/main/voice/voiceActivity';
import { silentLogger } from '../src/testing/loggers';
import { rssMiB, startReadyHearth } from './startup';

/** Index of the last sample louder than `threshold` (the end of the words). */
export function lastSpeechSample(pcm: Int16Array, threshold = 300): number {
  for (let i = pcm.length - 1; i >= 0; i--) if (Math.abs(pcm[i] ?? 0) > threshold) return i;
  return -1;
}

export interface Hangover {
  /** Silence after the last word fed when the detector ended the utterance, in ms of audio. */
  decisionMs: number;
  /** The detector's compute per 32 ms window, as % of one core. */
  windowCostPercent: number;
}

/**
 * Feeds the utterance (silence, the words, silence) as a client sends it, then
 * more silence, in 32 ms windows, waiting after each until the worker has looked
 * at it: the utterance ends after exactly this much silence. Where the windows
 * fall moves it by up to a window, so it is measured for each placement used.
 */
export async function measureHangover(utterance: Int16Array): Promise<Hangover> {
  const window = 512;
  const vad = new VoiceActivity({ logger: silentLogger });
  try {
    await vad.start();
    let ended = false;
    vad.onSpeechEnd(() => (ended = true));
    const pcm = new Int16Array(utterance.length + AUDIO_SAMPLE_RATE * 2);
    pcm.set(utterance);
    const last = lastSpeechSample(pcm);
    let fed = 0;
    while (!ended && fed < pcm.length) {
      vad.feed(pcm.slice(fed, fed + window));
      fed += window;
      await vad.stats();
    }
    if (!ended) throw new Error('the detector never ended the utterance');
    const stats = await vad.stats();
    return {
      decisionMs: ((fed - 1 - last) * 1000) / AUDIO_SAMPLE_RATE,
      windowCostPercent: (stats.busyMs / (stats.frames * 32)) * 100,
    };
  } finally {
    await vad.dispose();
  }
}

/** Wall time flite takes to speak `sentence` (spawn included, as Hearth runs it). */
export async function fliteMs(flite: Flite, sentence: string): Promise<number> {
  const start = performance.now();
  await flite.speak(sentence);
  return performance.now() - start;
}

/** Peak resident memory (MiB) of a process, from /proc (VmHWM), while it still runs. */
function peakMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * Speech to text through Hearth's own Pocketsphinx class: ms for the first
 * utterance (which starts pocketsphinx and loads its model) and each later one
 * (the process kept), and the process's peak memory (MiB).
 */
export async function pocketsphinxRuns(
  speech: Int16Array,
  later: number,
): Promise<{ firstMs: number; laterMs: number[]; peakMiB: number }> {
  const stt = new Pocketsphinx();
  try {
    const timed = async (): Promise<number> => {
      const start = performance.now();
      await stt.transcribe(speech);
      return performance.now() - start;
    };
    const firstMs = await timed();
    const laterMs: number[] = [];
    for (let i = 0; i < later; i++) laterMs.push(await timed());
    const pid = stt.pids()[0];
    if (pid === undefined) throw new Error('pocketsphinx is not running after transcribing');
    return { firstMs, laterMs, peakMiB: peakMiB(pid) };
  } finally {
    await stt.dispose();
  }
}

/** Peak resident memory (MiB) of flite speaking `sentence`. */
export function flitePeakMiB(sentence: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-voice-peaks-'));
  try {
    // GNU time's %M is the peak resident set of the command, in KiB; it writes to stderr.
    const args = ['flite', '-voice', 'slt', '-t', sentence, '-o', join(dir, 'out.wav')];
    const run = spawnSync('/usr/bin/time', ['-f', 'peak %M', ...args], { encoding: 'utf8' });
    const kib = /peak (\d+)/.exec(run.stderr)?.[1];
    if (run.status !== 0 || kib === undefined) {
      throw new Error(`flite failed (${run.status}): ${run.stderr.slice(-300)}`);
    }
    return Number(kib) / 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A headless Hearth (the built out/main/serve.js) started until its model is
 * ready and its voice engines are known; its resident memory then, in MiB.
 * `withVoice: false` runs it with no flite or pocketsphinx on its PATH.
 */
export async function headlessRssMiB(
  serveJs: string,
  modelPath: string,
  withVoice: boolean,
): Promise<number> {
  const hearth = await startReadyHearth(
    serveJs,
    modelPath,
    'hearth-bench-voice-rss-',
    withVoice ? {} : { PATH: join(tmpdir(), 'hearth-bench-no-such-path') },
  );
  try {
    // Let start-up settle (the engine lookup, lazy modules) before reading.
    await new Promise((r) => setTimeout(r, 500));
    return rssMiB(hearth.pid);
  } finally {
    await hearth.stop();
  }
}
