// The record Hearth writes into a voice model's folder when it unpacks the
// pinned archive: the size and sha256 of every regular file. It is written
// before the folder gets the model's name, so a folder without a readable
// manifest was never finished and does not count as installed; and it is what
// verified() re-hashes the files against before an engine may load them.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MANIFEST_NAME } from './archiveMembers';

const manifestSchema = z
  .object({
    format: z.literal(1),
    /** The catalog id the folder holds. */
    id: z.string().min(1),
    /** The archive it was unpacked from. */
    archiveSha256: z.string().regex(/^[0-9a-f]{64}$/),
    files: z
      .array(
        z
          .object({
            /** Relative to the model's folder, '/'-separated. */
            path: z
              .string()
              .min(1)
              .refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), {
                message: 'a path inside the folder',
              }),
            sizeBytes: z.number().int().nonnegative(),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type VoiceManifest = z.infer<typeof manifestSchema>;

export function manifestPath(modelDir: string): string {
  return join(modelDir, MANIFEST_NAME);
}

export async function writeManifest(modelDir: string, manifest: VoiceManifest): Promise<void> {
  await writeFile(manifestPath(modelDir), `${JSON.stringify(manifest, null, 1)}\n`, { flag: 'wx' });
}

/**
 * The folder's manifest; null when there is none (not installed), and an Error
 * naming the problem when it cannot be read or is not a manifest for `id`.
 */
export async function readManifest(modelDir: string, id: string): Promise<VoiceManifest | null> {
  let text: string;
  try {
    text = await readFile(manifestPath(modelDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`its manifest cannot be read (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('its manifest is not valid JSON');
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `its manifest is not one Hearth wrote (${issue?.path.join('.') || 'top'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  if (parsed.data.id !== id) throw new Error(`its manifest is for ${parsed.data.id}`);
  return parsed.data;
}
