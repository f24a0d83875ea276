// Checks a model file before llama.cpp sees it, so a missing, truncated or
// foreign file becomes one clear sentence for the UI and the log instead of a
// native error (or worse).
import { open, stat } from 'node:fs/promises';
import { GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from 'node-llama-cpp';

const GGUF_MAGIC = 'GGUF';
/** Magic, version, tensor count and key-value count. */
const GGUF_MIN_HEADER_BYTES = 4 + 4 + 8 + 8;

export type ModelFileCheck =
  { ok: true; sizeBytes: number; info: GgufFileInfo } | { ok: false; problem: string };

/** Cheap checks that need no llama.cpp: present, a file, a GGUF header. */
export async function checkModelHeader(
  path: string,
): Promise<{ sizeBytes: number } | { problem: string }> {
  let size: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) return { problem: `Model path is not a file: ${path}` };
    size = stats.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: `Model file not found: ${path}` };
    return { problem: `Model file cannot be read: ${path} (${(error as Error).message})` };
  }
  if (size < GGUF_MIN_HEADER_BYTES) {
    return {
      problem: `Model file is truncated: ${path} is ${size} bytes, too small for a GGUF header`,
    };
  }
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== GGUF_MAGIC) {
      return {
        problem: `Not a GGUF model file: ${path} (it starts with ${JSON.stringify(magic.toString('latin1'))}, not "GGUF")`,
      };
    }
  } finally {
    await handle.close();
  }
  return { sizeBytes: size };
}

/**
 * Validates a model file: header, parsable GGUF metadata, and (for single-file
 * models) that every tensor the header lists is really in the file.
 */
export async function checkModelFile(path: string, llama?: Llama): Promise<ModelFileCheck> {
  const header = await checkModelHeader(path);
  if ('problem' in header) return { ok: false, problem: header.problem };
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false });
  } catch (error) {
    return {
      ok: false,
      problem: `Model file is corrupt: ${path} has a GGUF header but cannot be parsed (${(error as Error).message})`,
    };
  }
  if (info.splicedParts === 1 && info.infoEndOffset !== undefined) {
    try {
      const insights = await GgufInsights.from(info, llama);
      const expected = info.infoEndOffset + insights.modelSize;
      if (header.sizeBytes < expected) {
        return {
          ok: false,
          problem: `Model file is truncated: ${path} is ${header.sizeBytes} bytes but its header describes ${expected}; download it again`,
        };
      }
    } catch (error) {
      return {
        ok: false,
        problem: `Model file is corrupt: ${path} (${(error as Error).message})`,
      };
    }
  }
  return { ok: true, sizeBytes: header.sizeBytes, info };
}
