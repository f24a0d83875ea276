// The owner's settings as clients see and change them. Part of the API defined in
// api.ts; main validates the same ranges before it persists them.
import { z } from 'zod/mini';
import { voiceChoice } from './voiceModelsSchema';
import { voiceAvailability } from './voiceSchema';

/** Colours of every screen: the OS preference, or fixed light or dark. */
export const theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof theme>;

export const THERMAL_TRIGGER_RANGE = { min: 50, max: 95 } as const;
export const THERMAL_RESUME_RANGE = { min: 40, max: 90 } as const;
/** Below this gap, sensor noise would switch protection on and off. */
export const THERMAL_MIN_GAP_C = 2;
export const SYSTEM_PROMPT_MAX = 4000;
/** Disk for conversations' evaluated states, in MB; 0 turns it off. */
export const CONVERSATION_MEMORY_MAX_MB = 100_000;
/** flite's speaking rate: 1 is its own pace; outside this it is unintelligible. */
export const VOICE_RATE_RANGE = { min: 0.5, max: 2 } as const;
/** Seconds of silence after which hands-free stops listening. */
export const HANDS_FREE_QUIET_SEC_RANGE = { min: 3, max: 60 } as const;

export const settings = z.object({
  systemPrompt: z.string(),
  thermalTriggerC: z.number(),
  thermalResumeC: z.number(),
  theme,
  kioskPinSet: z.boolean(),
  /** Phones are served over https (saved: a change applies at the next start). */
  tls: z.boolean(),
  /** Disk kept for conversations' evaluated states, so they continue at once (0: off). */
  conversationMemoryMb: z.number(),
  /** What those states take now. */
  conversationMemoryUsedBytes: z.number(),
  /** How fast spoken answers are spoken (1: the voice's own pace). */
  voiceRate: z.number(),
  /** Seconds of silence after which hands-free stops listening. */
  handsFreeQuietSec: z.number(),
  /** The speech recognizer chosen: 'auto', a voice catalog id, or 'pocketsphinx'. */
  voiceRecognizer: z.string(),
  /** The voice chosen: 'auto', a voice catalog id, or 'flite'. */
  voiceVoice: z.string(),
  /** What Hearth hears and speaks with, found at start-up. */
  voice: z.optional(voiceAvailability),
  /** HEARTH_* variables set in the environment: they win over saved settings at the next start. */
  environmentOverrides: z.array(z.string()),
  about: z.object({
    version: z.string(),
    model: z.optional(z.string()),
    modelPath: z.optional(z.string()),
    dataDir: z.string(),
    configFile: z.string(),
    modelsDir: z.string(),
    logs: z.string(),
  }),
});
export type Settings = z.infer<typeof settings>;

const pinDigits = z.string().check(z.regex(/^\d{4,8}$/, 'expected 4 to 8 digits'));

export const settingsChange = z
  .strictObject({
    systemPrompt: z.optional(z.string().check(z.maxLength(SYSTEM_PROMPT_MAX))),
    thermalTriggerC: z.optional(
      z.number().check(z.gte(THERMAL_TRIGGER_RANGE.min), z.lte(THERMAL_TRIGGER_RANGE.max)),
    ),
    thermalResumeC: z.optional(
      z.number().check(z.gte(THERMAL_RESUME_RANGE.min), z.lte(THERMAL_RESUME_RANGE.max)),
    ),
    theme: z.optional(theme),
    /** Serve phones over https from the next start. */
    tls: z.optional(z.boolean()),
    conversationMemoryMb: z.optional(
      z.number().check(z.int(), z.gte(0), z.lte(CONVERSATION_MEMORY_MAX_MB)),
    ),
    voiceRate: z.optional(
      z
        .number()
        .check(
          z.gte(
            VOICE_RATE_RANGE.min,
            `the speaking rate must be from ${VOICE_RATE_RANGE.min} to ${VOICE_RATE_RANGE.max}`,
          ),
          z.lte(
            VOICE_RATE_RANGE.max,
            `the speaking rate must be from ${VOICE_RATE_RANGE.min} to ${VOICE_RATE_RANGE.max}`,
          ),
        ),
    ),
    handsFreeQuietSec: z.optional(
      z
        .number()
        .check(
          z.int('the hands-free quiet time is a whole number of seconds'),
          z.gte(
            HANDS_FREE_QUIET_SEC_RANGE.min,
            `the hands-free quiet time must be from ${HANDS_FREE_QUIET_SEC_RANGE.min} to ${HANDS_FREE_QUIET_SEC_RANGE.max} s`,
          ),
          z.lte(
            HANDS_FREE_QUIET_SEC_RANGE.max,
            `the hands-free quiet time must be from ${HANDS_FREE_QUIET_SEC_RANGE.min} to ${HANDS_FREE_QUIET_SEC_RANGE.max} s`,
          ),
        ),
    ),
    /** 'auto', a recognizer's catalog id, or 'pocketsphinx' (main checks it names one). */
    voiceRecognizer: z.optional(voiceChoice),
    /** 'auto', a voice's catalog id, or 'flite' (main checks it names one). */
    voiceVoice: z.optional(voiceChoice),
    /** A new PIN of 4 to 8 digits, or null to remove it. */
    kioskPin: z.optional(z.nullable(pinDigits)),
    /** The PIN in force: changing or removing a PIN that is set needs it. */
    currentPin: z.optional(pinDigits),
  })
  .check(
    z.refine(
      (change) =>
        change.thermalTriggerC === undefined ||
        change.thermalResumeC === undefined ||
        change.thermalResumeC <= change.thermalTriggerC - THERMAL_MIN_GAP_C,
      `the resume temperature must be at least ${THERMAL_MIN_GAP_C} °C below the trigger`,
    ),
  );
export type SettingsChange = z.infer<typeof settingsChange>;
