// Sound for the voice specs, and a way to hear what a page plays. Speech is
// made with flite (Debian's package) as a WAV file Chromium's
// fake microphone plays in a loop: silence after it keeps the loop's next
// round from running into the end of the utterance. What the page plays is
// tapped where it leaves: every node connected to an AudioContext's
// destination (the speech player's output gain) also feeds a small recorder
// that notes the loudness of each block as it is rendered.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

const WAV_HEADER_BYTES = 44;

/** A 16-bit mono WAV file's header for `samples` samples at `rate`. */
function wavHeader(samples: number, rate: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return header;
}

/** The samples of a 16-bit mono WAV file (as flite writes it), and their rate. */
export function readWav(path: string): { pcm: Int16Array; rate: number } {
  const bytes = readFileSync(path);
  const rate = bytes.readUInt32LE(24);
  // Find the data chunk (flite writes it right after fmt, but do not count on it).
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'data') {
      const data = bytes.subarray(at + 8, at + 8 + size);
      const pcm = new Int16Array(data.length >> 1);
      for (let i = 0; i < pcm.length; i++) pcm[i] = data.readInt16LE(i * 2);
      return { pcm, rate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

export function writeWav(path: string, pcm: Int16Array, rate: number): string {
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) data.writeInt16LE(pcm[i] ?? 0, i * 2);
  writeFileSync(path, Buffer.concat([wavHeader(pcm.length, rate), data]));
  return path;
}

/** `text` spoken by flite's `voice` (one of `flite -lv`), then `silenceS` seconds of silence. */
export function speechWav(
  dir: string,
  name: string,
  { text, voice = 'slt', silenceS }: { text: string; voice?: string; silenceS: number },
): string {
  const spoken = join(dir, `${name}.flite.wav`);
  execFileSync('flite', ['-voice', voice, '-t', text, '-o', spoken]);
  const { pcm, rate } = readWav(spoken);
  const padded = new Int16Array(pcm.length + Math.round(silenceS * rate));
  padded.set(pcm);
  return writeWav(join(dir, `${name}.wav`), padded, rate);
}

export function silenceWav(dir: string, name: string, seconds: number): string {
  return writeWav(join(dir, `${name}.wav`), new Int16Array(seconds * 16_000), 16_000);
}

/** One rendered block of what the page played. */
export interface PlayedBlock {
  /** performance.now() when it was rendered, ms. */
  at: number;
  /** Its length, ms. */
  ms: number;
  /** RMS, 0..1. */
  rms: number;
}

/** A speech frame (shared/audio.ts, kind 0xa2) as the page received it. */
export interface ReceivedSpeech {
  at: number;
  /** The whole frame: 24-byte header, then 16-bit samples (kept in the page). */
  bytes: Uint8Array;
  sampleRate: number;
  samples: number;
  last: boolean;
}

/** An audio frame (shared/audio.ts, kind 0xa1) as the page sent it. */
export interface SentAudio {
  at: number;
  utterance: number;
  flags: number;
  /** RMS of its samples, 0..1. */
  rms: number;
}

declare global {
  interface Window {
    __played: PlayedBlock[];
    /** Nodes connected to a destination: the speech player's output. */
    __outputs: AudioNode[];
    __speech: ReceivedSpeech[];
    __sentAudio: SentAudio[];
    /** The commands the page called, in order. */
    __commands: { name: string; at: number }[];
    __clicks: { at: number; label: string }[];
  }
}

/** Louder than this, a block counts as sound (-46 dBFS; silence renders as exact zeros). */
export const SOUND_RMS = 0.005;

/**
 * Records every block the page's audio output renders, from before the page's
 * scripts run. Only nodes connected straight to a destination are tapped: in
 * Hearth that is the speech player's output (the microphone's graph plays nothing).
 */
export async function tapPlayback(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__played = [];
    window.__outputs = [];
    const connect = AudioNode.prototype.connect as (
      this: AudioNode,
      destination: AudioNode,
    ) => AudioNode;
    const tapped = new WeakSet<AudioNode>();
    const tap = (node: AudioNode): void => {
      if (tapped.has(node)) return;
      tapped.add(node);
      window.__outputs.push(node);
      const context = node.context as AudioContext;
      // A ScriptProcessor hears every rendered block on the main thread; it
      // outputs silence, and must reach the destination to be run at all.
      const recorder = context.createScriptProcessor(1024, 1, 1);
      connect.call(node, recorder);
      connect.call(recorder, context.destination);
      recorder.onaudioprocess = (event) => {
        const samples = event.inputBuffer.getChannelData(0);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        window.__played.push({
          at: performance.now(),
          ms: (samples.length * 1000) / context.sampleRate,
          rms: Math.sqrt(sum / samples.length),
        });
      };
    };
    AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
      const result = (connect as (...a: unknown[]) => unknown).apply(this, args);
      if (args[0] instanceof AudioDestinationNode) tap(this);
      return result;
    } as typeof AudioNode.prototype.connect;
  });
}

/**
 * Records what goes over the page's WebSocket for voice: the speech frames it
 * receives (whole), the audio frames it sends, the commands it calls; and when
 * each button is clicked (performance.now(), the clock the played blocks use).
 */
export async function spyOnLink(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__speech = [];
    window.__sentAudio = [];
    window.__commands = [];
    window.__clicks = [];
    const Native = window.WebSocket;
    const send = Native.prototype.send;
    Native.prototype.send = function (this: WebSocket, data) {
      if (typeof data === 'string') {
        const name = data.includes('"t":"call"') ? /"name":"(\w+)"/.exec(data)?.[1] : undefined;
        if (name) window.__commands.push({ name, at: performance.now() });
      } else if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
        const bytes = ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (bytes[0] === 0xa1 && bytes.length >= 8) {
          let sum = 0;
          const samples = (bytes.length - 8) >> 1;
          for (let i = 0; i < samples; i++) sum += view.getInt16(8 + i * 2, true) ** 2;
          window.__sentAudio.push({
            at: performance.now(),
            utterance: view.getUint32(4, true),
            flags: bytes[1] ?? 0,
            rms: samples > 0 ? Math.sqrt(sum / samples) / 32768 : 0,
          });
        }
      }
      return send.call(this, data);
    };
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.addEventListener('message', (event: MessageEvent<unknown>) => {
          if (!(event.data instanceof ArrayBuffer)) return;
          const bytes = new Uint8Array(event.data);
          if (bytes[0] !== 0xa2 || bytes.length < 24) return;
          window.__speech.push({
            at: performance.now(),
            bytes,
            sampleRate: new DataView(event.data).getUint32(4, true),
            samples: (bytes.length - 24) >> 1,
            last: ((bytes[1] ?? 0) & 1) === 1,
          });
        });
      }
    };
    document.addEventListener(
      'click',
      (event) => {
        const button = (event.target as Element | null)?.closest('button');
        if (button)
          window.__clicks.push({ at: performance.now(), label: button.textContent ?? '' });
      },
      true,
    );
  });
}

/** When each speech frame came, and whether it was an answer's last (not their samples). */
export async function speechFrames(page: Page): Promise<{ at: number; last: boolean }[]> {
  return page.evaluate(() => window.__speech.map(({ at, last }) => ({ at, last })));
}

/** The ms of speech the page received, in frames of any answer. */
export async function receivedSpeechMs(page: Page): Promise<number> {
  const frames = await page.evaluate(() =>
    window.__speech.map((f) => ({ samples: f.samples, sampleRate: f.sampleRate })),
  );
  return frames.reduce((ms, f) => ms + (f.samples * 1000) / f.sampleRate, 0);
}

/** What the page has played so far: its loud blocks, their total, and when the first and last were. */
export async function playedSound(page: Page): Promise<{
  soundMs: number;
  firstAt?: number;
  lastAt?: number;
  loud: PlayedBlock[];
}> {
  const blocks = await page.evaluate(() => window.__played);
  const loud = blocks.filter((b) => b.rms > SOUND_RMS);
  return {
    soundMs: loud.reduce((ms, b) => ms + b.ms, 0),
    firstAt: loud[0]?.at,
    lastAt: loud.at(-1)?.at,
    loud,
  };
}
