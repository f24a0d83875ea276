// `npm run bench voice` (issue 16): from the end of speech to the first sound of
// the answer, through the real server and a client on a real WebSocket, split
// into the engines' parts and what Hearth adds; the CPU of listening to silence
// in hands-free mode; the memory the voice engines add once loaded.
//
// One utterance: the flite sentence pocketsphinx reads correctly, cut at its
// last loud sample, placed so that the words end at a point of a 100 ms frame
// that the runs spread evenly over the frame (a microphone sends a frame the
// moment its last sample is captured: that send, less the silence in the frame
// after the last word, is "end of speech"). The words go out at twice
// the audio rate (the connection's audio allowance), then silence frames at the
// audio rate until Hearth says the utterance ended. The parts:
//   hangover       silence the detector needs to end it, in samples (voiceParts.ts)
//   speech to text pocketsphinx's own timing (log: speech_transcribed transcribeMs)
//   first sentence prompt queued (log: prompt_queued) to the first sentence
//                  complete in the tokens the client receives (SpeakableText)
//   text to speech flite speaking that sentence, timed right after the run
// and what Hearth adds is the total minus those four, itself split into where
// it goes (frames and detection, hand-offs, the sentence to its first frame).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AUDIO_FRAME_MAX_SAMPLES } from '../src/shared/audio';
import { Flite } from '../src/main/voice/flite';
import { VAD_DEFAULTS } from '../src/main/voice/voiceActivity';
import { spokenSentence } from '../src/testing/voiceFixtures';
import type { BenchSettings } from './hearthRuns';
import { median, type BenchRow } from './stats';
import { VoiceBenchClient } from './voiceClient';
import { alignedWords, utter, type Utterance } from './voiceUtterance';
import {
  flitePeakMiB,
  headlessRssMiB,
  pocketsphinxRuns,
  lastSpeechSample,
  measureHangover,
  type Hangover,
} from './voiceParts';

const MAX_TOKENS = 60;
const FRAME = AUDIO_FRAME_MAX_SAMPLES;
const CPU_BLOCK_MS = 2500;
const CPU_BLOCKS = 4;
const RSS_PAIRS = 3;

const spread = (values: number[]): number => Math.max(...values) - Math.min(...values);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** CPU of this process (threads included: the detector's worker) over `run`, as % of one core. */
async function cpuPercent(run: () => Promise<void>): Promise<number> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) / 1000 / (performance.now() - start)) * 100;
}

/** Hands-free listening to a silent room: one utterance of silence frames at the audio rate. */
async function listenToSilence(client: VoiceBenchClient, utterance: number): Promise<number> {
  const from = client.heard.length;
  const silence = new Int16Array(FRAME);
  const percent = await cpuPercent(async () => {
    const start = performance.now();
    for (let n = 0; n < CPU_BLOCK_MS / 100; n++) {
      await sleep(start + n * 100 - performance.now());
      client.sendAudio(utterance, silence, n === 0, false);
    }
    await sleep(start + CPU_BLOCK_MS - performance.now());
  });
  client.sendAudio(utterance, silence, false, true);
  await client.until(
    () => client.voiceEvents(from).find((e) => e.utterance === utterance && e.state === 'idle'),
    10_000,
  );
  return percent;
}

const medianRow = (
  name: string,
  unit: string,
  runs: number[],
  extra: Partial<BenchRow> = {},
): BenchRow => ({
  name,
  value: median(runs),
  unit,
  runs,
  ...extra,
});

export async function voiceRows(
  settings: BenchSettings,
  runs: number,
  root: string,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const loadStart = loadavg()[0] ?? NaN;
  const spoken = await spokenSentence();
  const speech = spoken.subarray(0, lastSpeechSample(spoken) + 1);
  // Where the words end in their last frame: the warm-up's, then spread over the frame.
  const tails = [50, ...Array.from({ length: runs }, (_, i) => ((i + 0.5) * 100) / runs)];
  const hangovers: Hangover[] = [];
  for (const tail of tails) hangovers.push(await measureHangover(alignedWords(speech, tail).pcm));
  const hangoverMs = hangovers.map((h) => h.decisionMs).slice(1);
  log(`voice: the detector ends the utterance after ${hangoverMs.join(', ')} ms of silence`);

  // A Hearth before its first utterance, against one with no voice engines on its PATH.
  const serveJs = join(root, 'out/main/serve.js');
  const headless = { voice: [] as number[], none: [] as number[] };
  if (existsSync(serveJs)) {
    log(`voice: headless memory with and without voice engines, ${RSS_PAIRS} pairs`);
    for (let i = 0; i < RSS_PAIRS; i++) {
      for (const withVoice of i % 2 === 0 ? [true, false] : [false, true]) {
        const rss = await headlessRssMiB(serveJs, settings.modelPath, withVoice);
        (withVoice ? headless.voice : headless.none).push(rss);
      }
    }
  } else {
    log('voice: out/main/serve.js is missing (npx electron-vite build): no headless memory rows');
  }

  log(`voice: end of speech to first sound, 1 warm-up and ${runs} utterances over a WebSocket`);
  const client = await VoiceBenchClient.open(settings, MAX_TOKENS);
  const flite = new Flite();
  const done: Utterance[] = [];
  let rss = { before: NaN, after: NaN };
  const cpu = { silence: [] as number[], idle: [] as number[] };
  let utterance = 1;
  let firstSttMs = NaN;
  try {
    rss.before = VoiceBenchClient.rssMiB();
    // The first utterance loads the detector (its worker and model) and runs both engines.
    const first = await utter(
      client,
      flite,
      utterance++,
      speech,
      50,
      hangovers[0]?.decisionMs ?? NaN,
    );
    rss = { ...rss, after: VoiceBenchClient.rssMiB() };
    firstSttMs = first.sttMs;
    log(`voice: the fixture model's first sentence: "${first.sentence}"`);
    for (let i = 0; i < runs; i++) {
      const tailMs = tails[i + 1] ?? NaN;
      done.push(await utter(client, flite, utterance++, speech, tailMs, hangoverMs[i] ?? NaN));
    }
    log(`voice: CPU listening to silence vs idle, ${CPU_BLOCKS} blocks of ${CPU_BLOCK_MS} ms each`);
    for (let i = 0; i < CPU_BLOCKS; i++) {
      const pair = [
        async () => cpu.silence.push(await listenToSilence(client, utterance++)),
        async () => cpu.idle.push(await cpuPercent(() => sleep(CPU_BLOCK_MS))),
      ];
      for (const measure of i % 2 === 0 ? pair : pair.reverse()) await measure();
    }
  } finally {
    await flite.dispose();
    await client.close();
  }
  log('voice: pocketsphinx on its own, first utterance (model load) and later ones');
  const stt = await pocketsphinxRuns(speech, Math.max(3, runs));
  const peaks = { stt: stt.peakMiB, tts: flitePeakMiB(done[0]?.sentence ?? 'Once upon a time.') };

  const of = (k: keyof Omit<Utterance, 'sentence'>) => done.map((u) => u[k]);
  const added = done.map(
    (u, i) => u.totalMs - (hangoverMs[i] ?? NaN) - u.sttMs - u.firstSentenceMs - u.ttsMs,
  );
  rows.push(
    medianRow('voice: end of speech to first sound (WebSocket)', 'ms', of('totalMs')),
    medianRow(
      `voice:  VAD hangover (set to ${VAD_DEFAULTS.hangoverMs} ms, in samples)`,
      'ms',
      hangoverMs,
    ),
    medianRow('voice:  speech to text (pocketsphinx)', 'ms', of('sttMs')),
    {
      name: "voice:  speech to text, Hearth's first utterance (warm-up: starts pocketsphinx)",
      value: firstSttMs,
      unit: 'ms',
    },
    medianRow('voice:  model, prompt queued to first sentence', 'ms', of('firstSentenceMs')),
    medianRow('voice:  text to speech of that sentence (flite)', 'ms', of('ttsMs')),
    medianRow('voice:  what Hearth adds (total - the four)', 'ms', added, {
      target: '<= 100 ms',
      pass: median(added) <= 100,
    }),
    medianRow('voice:   of it, 100 ms frames + detection', 'ms', of('detectMs')),
    medianRow('voice:   of it, utterance ended to prompt queued', 'ms', of('handOffMs')),
    medianRow('voice:   of it, sentence to its first speech frame', 'ms', of('speakMs')),
  );
  const cpuAdded = median(cpu.silence) - median(cpu.idle);
  rows.push(
    medianRow('voice: CPU listening to silence, hands-free', '% of a core', cpu.silence),
    medianRow('voice: CPU idle, same Hearth, side by side', '% of a core', cpu.idle),
    {
      name: 'voice: CPU added by listening (VAD + capture)',
      value: cpuAdded,
      unit: '% of a core',
      target: '<= 3 %',
      pass: cpuAdded <= 3,
    },
    {
      name: 'voice: pocketsphinx alone, first utterance (starts it, loads the model)',
      value: stt.firstMs,
      unit: 'ms',
    },
    medianRow('voice: pocketsphinx alone, later utterances (process kept)', 'ms', stt.laterMs),
    {
      name: 'voice: detector compute per 32 ms window',
      value: median(hangovers.map((h) => h.windowCostPercent)),
      unit: '% of a core',
    },
  );
  if (headless.voice.length > 0) {
    rows.push(
      medianRow('voice: headless RSS, voice engines found, unused', 'MiB', headless.voice),
      medianRow('voice: headless RSS, no voice engines', 'MiB', headless.none),
      {
        name: `voice: difference (runs spread ${spread(headless.voice).toFixed(1)} / ${spread(headless.none).toFixed(1)} MiB)`,
        value: median(headless.voice) - median(headless.none),
        unit: 'MiB',
      },
    );
  }
  rows.push(
    {
      name: 'voice: RSS added by the first utterance (VAD worker)',
      value: rss.after - rss.before,
      unit: 'MiB',
    },
    {
      name: 'voice: peak RSS of pocketsphinx (kept process, after utterances)',
      value: peaks.stt,
      unit: 'MiB',
    },
    { name: 'voice: peak RSS of flite (child, per sentence)', value: peaks.tts, unit: 'MiB' },
    { name: 'voice: load average (1 min) at start', value: loadStart, unit: '' },
    { name: 'voice: load average (1 min) at end', value: loadavg()[0] ?? NaN, unit: '' },
  );
  return rows;
}
