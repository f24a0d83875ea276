// An unfinished download: `<file>.gguf.part` holds the first bytes of the file,
// in order, and `<file>.gguf.part.json` says where they came from. Neither name
// ends in .gguf, so nothing that looks for models mistakes them for one.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const PART_SUFFIX = '.part';
const META_SUFFIX = '.part.json';

export function partPath(directory: string, fileName: string): string {
  return join(directory, `${fileName}${PART_SUFFIX}`);
}

function metaPath(directory: string, fileName: string): string {
  return join(directory, `${fileName}${META_SUFFIX}`);
}

const partMetaSchema = z.object({
  url: z.string(),
  /**
   * The sha256 the finished file must have, when it was known; bytes for one
   * checksum are never continued into a file with another. Absent in records
   * written before it was kept.
   */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  /** Size of the whole file as the server announced it; null if it did not. */
  total: z.number().int().nonnegative().nullable(),
  /** A strong ETag or Last-Modified, sent back as If-Range so a changed file restarts. */
  validator: z.string().nullable(),
});

export type PartMeta = z.infer<typeof partMetaSchema>;

export interface PartialDownload {
  meta: PartMeta;
  /** Bytes already on disk. */
  bytes: number;
}

/** What a previous attempt left for this file, or null when nothing usable is there. */
export async function readPartial(
  directory: string,
  fileName: string,
): Promise<PartialDownload | null> {
  let meta: PartMeta;
  let bytes: number;
  try {
    const parsed = partMetaSchema.safeParse(
      JSON.parse(await readFile(metaPath(directory, fileName), 'utf8')),
    );
    if (!parsed.success) return null;
    meta = parsed.data;
    bytes = (await stat(partPath(directory, fileName))).size;
  } catch {
    return null;
  }
  if (meta.total !== null && bytes > meta.total) return null;
  return { meta, bytes };
}

export async function writePartMeta(
  directory: string,
  fileName: string,
  meta: PartMeta,
): Promise<void> {
  await writeFile(metaPath(directory, fileName), `${JSON.stringify(meta)}\n`);
}

/** Removes an unfinished download of this file, if any. */
export async function discardPartial(directory: string, fileName: string): Promise<void> {
  await rm(partPath(directory, fileName), { force: true });
  await rm(metaPath(directory, fileName), { force: true });
}

/** Removes only the record of where the bytes came from, once they are a model. */
export async function forgetPartMeta(directory: string, fileName: string): Promise<void> {
  await rm(metaPath(directory, fileName), { force: true });
}
