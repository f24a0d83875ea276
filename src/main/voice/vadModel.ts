// The Silero VAD model Hearth ships: a pinned asset in resources/voice (its
// origin and licence are in resources/voice/README.md), found from wherever
// this module runs, and checked against its pinned sha256.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackedFromAsar } from '../threads/workerModule';

export const VAD_MODEL_FILE = 'silero_vad_v5.onnx';
/** sha256 of resources/voice/silero_vad_v5.onnx (@ricky0123/vad-web 0.0.31, dist/). */
export const VAD_MODEL_SHA256 = '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f';
export const VAD_MODEL_BYTES = 2_327_524;

/** How many folders above the running module resources/ may be (src/main/voice, out/main/chunks). */
const MAX_LEVELS_UP = 4;

/**
 * Where resources/voice/silero_vad_v5.onnx is: the nearest folder above the
 * module at `from` (its import.meta.url) that holds it. Sources run from
 * src/main/voice; the build from out/main or out/main/chunks; a package from
 * app.asar, whose resources/voice electron-builder keeps unpacked because
 * onnxruntime reads the file itself. Undefined when none holds it; then
 * `candidates` says where it was looked for.
 */
export function findVadModel(from: string = import.meta.url): {
  path: string | undefined;
  candidates: string[];
} {
  let dir = unpackedFromAsar(dirname(fileURLToPath(from)));
  const candidates: string[] = [];
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    candidates.push(unpackedFromAsar(join(dir, 'resources', 'voice', VAD_MODEL_FILE)));
    dir = dirname(dir);
  }
  return { path: candidates.find((path) => existsSync(path)), candidates };
}

/** The model's path, or an error naming where it was looked for. */
export function vadModelPath(from: string = import.meta.url): string {
  const { path, candidates } = findVadModel(from);
  if (path === undefined) {
    throw new Error(
      `the voice activity model ${VAD_MODEL_FILE} is missing; looked in ${candidates.join(', ')}`,
    );
  }
  return path;
}

/** sha256 of a file, read as a stream so a large file does not block the event loop. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Why the file at `path` is not the pinned model, or undefined when it is. */
export async function vadModelProblem(
  path: string,
  expectedSha256: string = VAD_MODEL_SHA256,
): Promise<string | undefined> {
  let sha256: string;
  try {
    sha256 = await sha256OfFile(path);
  } catch (error) {
    return `the voice activity model ${path} cannot be read: ${(error as Error).message}`;
  }
  if (sha256 === expectedSha256) return undefined;
  return `the voice activity model ${path} is damaged or not the pinned one (sha256 ${sha256}; expected ${expectedSha256})`;
}
