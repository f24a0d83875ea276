// The voice catalog in force: the built-in one (voiceCatalog.ts), or the JSON
// file HEARTH_VOICE_CATALOG_FILE names, as HEARTH_CATALOG_FILE does for language
// models. Tests and the e2e runs point it at a loopback server; a local mirror
// could too. A file is validated as strictly as it is trusted: its archives are
// still checked by their sha256 and unpacked under the same rules.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { VOICE_CATALOG, type VoiceCatalogEntry } from './voiceCatalog';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits');
/** A path inside the archive's root folder: no absolute path, no `..`, no empty segment. */
const innerPath = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\w.+-]+(\/[\w.+-]+)*$/, 'a relative path of letters, digits, . _ + -')
  .refine((path) => !path.split('/').some((part) => part === '..' || part === '.'), {
    message: 'a path may not hold . or .. segments',
  });

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes'),
  displayName: z.string().min(1).max(100),
  description: z.string().min(1).max(300),
  licence: z.string().min(1).max(200),
  url: z.string().url(),
  sha256: sha256Hex,
  sizeBytes: z.number().int().positive(),
  archiveRoot: innerPath.refine((path) => !path.includes('/'), { message: 'one folder name' }),
  recommended: z.boolean(),
};

const entrySchema = z.discriminatedUnion('engine', [
  z
    .object({
      ...base,
      kind: z.literal('recognizer'),
      engine: z.literal('moonshine'),
      files: z.object({
        preprocessor: innerPath,
        encoder: innerPath,
        uncachedDecoder: innerPath,
        cachedDecoder: innerPath,
        tokens: innerPath,
      }),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('recognizer'),
      engine: z.literal('whisper'),
      files: z.object({ encoder: innerPath, decoder: innerPath, tokens: innerPath }),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('voice'),
      engine: z.literal('piper'),
      files: z.object({ model: innerPath, tokens: innerPath, dataDir: innerPath }),
      sampleRate: z.number().int().min(8000).max(48_000),
    })
    .strict(),
]);

const catalogSchema = z
  .array(entrySchema)
  .min(1)
  .refine((entries) => new Set(entries.map((e) => e.id)).size === entries.length, {
    message: 'catalog ids must be unique',
  });

/** The catalog HEARTH_VOICE_CATALOG_FILE names, else the built-in one. */
export function configuredVoiceCatalog(file: string | undefined): readonly VoiceCatalogEntry[] {
  return file ? loadVoiceCatalogFile(file) : VOICE_CATALOG;
}

/** Validates a voice catalog; throws one sentence naming the first problem. */
export function parseVoiceCatalog(raw: unknown): VoiceCatalogEntry[] {
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(
      `The voice model catalog is invalid${where}: ${issue?.message ?? 'unknown problem'}.`,
    );
  }
  return parsed.data;
}

/** Reads and validates the file; throws one sentence naming the file and the problem. */
export function loadVoiceCatalogFile(path: string): VoiceCatalogEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `HEARTH_VOICE_CATALOG_FILE ${path} cannot be read as JSON (${(error as Error).message}).`,
    );
  }
  try {
    return parseVoiceCatalog(raw);
  } catch (error) {
    throw new Error(`HEARTH_VOICE_CATALOG_FILE ${path}: ${(error as Error).message}`);
  }
}
