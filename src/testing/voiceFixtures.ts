// Real speech for voice tests: a sentence spoken by flite (the Debian package
// the tests need, with pocketsphinx and pocketsphinx-en-us), padded with
// silence, fed to voice activity detection in frames as a client sends them.
import { readdirSync, readFileSync } from 'node:fs';
import { AUDIO_FRAME_MAX_SAMPLES, AUDIO_SAMPLE_RATE } from '../shared/audio';
import { Flite } from '../main/voice/flite';
import type { VoiceActivity } from '../main/voice/voiceActivity';
import { seededRandom } from './seededRandom';

export const SENTENCE = 'What is the capital of France?';

let spoken: Promise<Int16Array> | undefined;

/** SENTENCE as flite speaks it (16 kHz), made once per test file. */
export function spokenSentence(): Promise<Int16Array> {
  spoken ??= (async () => {
    const flite = new Flite();
    try {
      return await flite.speak(SENTENCE);
    } finally {
      await flite.dispose();
    }
  })();
  return spoken;
}

export function samplesOf(ms: number): number {
  return Math.round((ms * AUDIO_SAMPLE_RATE) / 1000);
}

/** `pcm` with `ms` of digital silence before and after it. */
export function padWithSilence(pcm: Int16Array, ms: number): Int16Array {
  const pad = samplesOf(ms);
  const out = new Int16Array(pcm.length + 2 * pad);
  out.set(pcm, pad);
  return out;
}

/** `pcm` at `factor` of its level. */
export function scaled(pcm: Int16Array, factor: number): Int16Array {
  return Int16Array.from(pcm, (sample) => Math.round(sample * factor));
}

/** White noise peaking at `amplitude` (of 32767), from a fixed seed. */
export function whiteNoise(ms: number, amplitude: number, seed = 7): Int16Array {
  const random = seededRandom(seed);
  return Int16Array.from({ length: samplesOf(ms) }, () =>
    Math.round((random() * 2 - 1) * amplitude),
  );
}

/** How long the spoken part is: from the first to the last sample louder than `threshold`. */
export function spokenMs(pcm: Int16Array, threshold = 300): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < pcm.length; i++) {
    if (Math.abs(pcm[i] ?? 0) > threshold) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? 0 : ((last - first + 1) * 1000) / AUDIO_SAMPLE_RATE;
}

/** Feeds `pcm` in 100 ms frames, the most a client's audio frame holds. */
export function feedInFrames(vad: VoiceActivity, pcm: Int16Array): void {
  for (let i = 0; i < pcm.length; i += AUDIO_FRAME_MAX_SAMPLES) {
    vad.feed(pcm.slice(i, i + AUDIO_FRAME_MAX_SAMPLES));
  }
}

/**
 * Processes still running (not zombies) in the process group `pgid`: a
 * killed pipeline's processes may linger as zombies until a reaper collects
 * them, which is gone as far as anyone is concerned.
 */
export function livingInGroup(pgid: number): number[] {
  const living: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') {
      living.push(Number(entry));
    }
  }
  return living;
}
