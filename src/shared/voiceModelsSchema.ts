// Voice models as clients see them: the catalog of speech recognizers and
// voices Hearth can download, which are installed, which are chosen and in use,
// and a download's progress. Part of the API defined in api.ts.
import { z } from 'zod/mini';

/** A recognizer turns speech into text; a voice speaks answers. */
export const voiceModelKind = z.enum(['recognizer', 'voice']);
export type VoiceModelKind = z.infer<typeof voiceModelKind>;

/** The engines that need no download (Debian packages): the floor. */
export const FLOOR_RECOGNIZER = 'pocketsphinx';
export const FLOOR_VOICE = 'flite';
/** The choice that takes the best installed model, else the floor. */
export const AUTOMATIC_CHOICE = 'auto';

/** A catalog id, or one of the choices above: lowercase, digits, dots and dashes. */
export const voiceChoice = z
  .string()
  .check(z.maxLength(100), z.regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a voice model id'));

export const voiceCatalogModel = z.object({
  id: z.string(),
  kind: voiceModelKind,
  displayName: z.string(),
  description: z.string(),
  licence: z.string(),
  /** What the download weighs (the archive). */
  sizeBytes: z.number().check(z.nonnegative()),
  /** The one the setup screen and Settings suggest for a Pi 5. */
  recommended: z.boolean(),
  installed: z.boolean(),
  /** Bytes of a download that stopped midway; downloading again continues it. */
  unfinishedBytes: z.optional(z.number().check(z.nonnegative())),
});
export type VoiceCatalogModel = z.infer<typeof voiceCatalogModel>;

/** One download of one or more voice models, in order, as one job. */
export const voiceModelDownload = z.object({
  state: z.enum(['downloading', 'verifying', 'unpacking', 'done', 'failed', 'cancelled']),
  /** The catalog ids asked for, in the order they are fetched. */
  ids: z.array(z.string()),
  /** The one being fetched now (the last one once the job ended). */
  current: z.string(),
  /** Its name as the catalog gives it. */
  displayName: z.string(),
  /** Bytes so far and in all, across every model of the job. */
  bytes: z.number().check(z.nonnegative()),
  total: z.number().check(z.nonnegative()),
  bytesPerSecond: z.number().check(z.nonnegative()),
  secondsLeft: z.nullable(z.number().check(z.nonnegative())),
  /** One sentence, when it failed or was cancelled. */
  error: z.optional(z.string()),
});
export type VoiceModelDownload = z.infer<typeof voiceModelDownload>;

/** What is chosen for one half of voice, and what is in use. */
export const voiceEngineChoice = z.object({
  /** The saved choice: 'auto', a catalog id, or the floor engine's name. */
  chosen: z.string(),
  /** The engine in use: a catalog id, the floor engine's name, or 'none'. */
  inUse: z.string(),
  /** Its name for people ("Moonshine tiny (English)", "pocketsphinx"). */
  inUseName: z.string(),
  /** One sentence when the choice cannot be used (missing, corrupt, failed to load). */
  error: z.optional(z.string()),
});
export type VoiceEngineChoice = z.infer<typeof voiceEngineChoice>;

export const voiceModelList = z.object({
  catalog: z.array(voiceCatalogModel),
  recognizer: voiceEngineChoice,
  voice: voiceEngineChoice,
  /** The download under way (or the last one), if any. */
  download: z.nullable(voiceModelDownload),
});
export type VoiceModelList = z.infer<typeof voiceModelList>;

/** What Settings > Voice's recognizer Test found: Hearth's voice, heard back. */
export const recognizerTest = z.object({
  /** The sentence spoken. */
  said: z.string(),
  /** What the recognizer made of it. */
  heard: z.string(),
  /** How long the recognizer took. */
  ms: z.number().check(z.nonnegative()),
});
export type RecognizerTest = z.infer<typeof recognizerTest>;
