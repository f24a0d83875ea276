// Which voice engines this Hearth has, as found at start-up, for Settings and
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
  stt: z.object({ engine: z.enum(['pocketsphinx', 'none']), ...why }),
  tts: z.object({ engine: z.enum(['flite', 'none']), ...why }),
});
export type VoiceEngineReport = z.infer<typeof voiceEngineReport>;
