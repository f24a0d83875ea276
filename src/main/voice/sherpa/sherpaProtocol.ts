// What the sherpa-onnx workers (../workers/recognizer.mjs, tts.mjs) say to
// their owners, checked on arrival like any input from outside the main thread.
import { z } from 'zod';

export const sherpaWorkerMessage = z.discriminatedUnion('type', [
  /** The model is loaded; the voice's sample rate comes with a tts worker's. */
  z.object({ type: z.literal('ready'), loadMs: z.number(), sampleRate: z.number().optional() }),
  /** The model could not be loaded; the worker is ending. */
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({ type: z.literal('text'), id: z.number(), text: z.string(), ms: z.number() }),
  z.object({
    type: z.literal('audio'),
    id: z.number(),
    pcm: z.instanceof(Int16Array),
    ms: z.number(),
  }),
  /** One request failed; the worker goes on. */
  z.object({ type: z.literal('error'), id: z.number(), message: z.string() }),
]);
export type SherpaWorkerMessage = z.infer<typeof sherpaWorkerMessage>;

/** What a probe process prints: one JSON line. */
export const sherpaProbeOutcome = z.union([
  z.object({ ok: z.literal(true), sampleRate: z.number().optional() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);

export type SherpaWorkerCommand =
  | { type: 'transcribe'; id: number; pcm: Int16Array }
  | { type: 'speak'; id: number; text: string; speed: number }
  | { type: 'cancel'; id: number }
  | { type: 'close' };
