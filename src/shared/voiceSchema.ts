// Whether Hearth can hear and speak, as clients see it: found once at start-up
// from the engines present (src/main/voice), shown by the Talk button and in
// Settings. Part of the API defined in api.ts.
import { z } from 'zod/mini';

export const voiceAvailability = z.object({
  /** Speech can be turned into text (a recognizer and the speech detector are present). */
  canHear: z.boolean(),
  /** Answers can be spoken (a voice is present). */
  canSpeak: z.boolean(),
  /** Why voice is off, or what to know about it ("less accurate" for the fallback recognizer). */
  note: z.optional(z.string()),
  /** How long hands-free waits in silence before it stops listening (Settings > Voice). */
  handsFreeQuietMs: z.optional(z.number().check(z.positive())),
});
export type VoiceAvailability = z.infer<typeof voiceAvailability>;
