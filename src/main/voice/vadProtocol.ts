// What the VAD worker (workers/vad.mjs) says to its owner, checked on arrival
// like any input from outside the main thread.
import { z } from 'zod';

export const vadWorkerMessage = z.discriminatedUnion('type', [
  /** The model is loaded; frames are being processed. */
  z.object({ type: z.literal('ready'), loadMs: z.number() }),
  /** The model could not be used; the worker is ending. */
  z.object({ type: z.literal('failed'), message: z.string() }),
  /**
   * Events carry the generation of the audio that caused them (see
   * VadWorkerCommand): the owner tells a past utterance's events apart.
   */
  z.object({ type: z.literal('speechStart'), generation: z.number().int() }),
  /** One utterance with its pre-roll, and its level (dBFS, over the detected speech). */
  z.object({
    type: z.literal('speechEnd'),
    generation: z.number().int(),
    pcm: z.instanceof(Int16Array),
    levelDbfs: z.number(),
  }),
  /** Speech too quiet to count in strict mode. */
  z.object({ type: z.literal('ignored'), samples: z.number(), levelDbfs: z.number() }),
  /** Time spent on frames since the last report, ms: the worker's share of a core. */
  z.object({ type: z.literal('busy'), ms: z.number().nonnegative() }),
  z.object({
    type: z.literal('stats'),
    frames: z.number(),
    busyMs: z.number(),
    loadMs: z.number(),
  }),
]);
export type VadWorkerMessage = z.infer<typeof vadWorkerMessage>;

/** What the owner hands the worker as its input (threadInput()). */
export interface VadWorkerInput {
  modelPath: string;
  sha256: string;
  sampleRate: number;
  threshold: number;
  minSilenceMs: number;
  minSpeechMs: number;
  maxSpeechMs: number;
  prerollMs: number;
  strictLevelDbfs: number;
}

/**
 * What the owner sends the worker. Audio and resets carry a generation, bumped
 * by each reset: audio of a new generation starts from a clean state, and each
 * event names the generation of the audio it came from.
 */
export type VadWorkerCommand =
  | { type: 'audio'; pcm: Int16Array; generation: number }
  | { type: 'strict'; on: boolean }
  | { type: 'reset'; generation: number }
  | { type: 'stats' }
  | { type: 'close' };
