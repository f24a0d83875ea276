// Which voice engines this Hearth has (the floor as found at start-up, then
// what is in use once the owner's choices are applied), for Settings and
// /healthz: voice activity detection (Silero VAD), speech to text and text to
// speech. An engine that is missing says why and, where a package provides
// it, what to install.
import { z } from 'zod/mini';

const why = {
  /** One sentence: what is missing or wrong. */
  error: z.optional(z.string()),
  /** The command that installs what is missing, e.g. "sudo apt install flite". */
  install: z.optional(z.string()),
};

export const voiceEngineReport = z.object({
  vad: z.object({ present: z.boolean(), ...why }),
  stt: z.object({
    engine: z.enum(['moonshine', 'whisper', 'pocketsphinx', 'none']),
    /** The catalog id of the downloaded model in use (Moonshine, Whisper). */
    model: z.optional(z.string()),
    ...why,
  }),
  tts: z.object({
    engine: z.enum(['piper', 'flite', 'none']),
    /** The catalog id of the downloaded voice in use (Piper). */
    model: z.optional(z.string()),
    ...why,
  }),
});
export type VoiceEngineReport = z.infer<typeof voiceEngineReport>;
