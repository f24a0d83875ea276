// Turns a downloaded, sha256-checked archive into an installed voice model:
// tar's listing is checked first (archiveMembers.ts), the archive is unpacked
// by tar into a fresh temporary folder beside the installed models (same file
// system, so the last step is a rename), what was written is checked again
// (unpackedTree.ts), every file is hashed in a worker into the manifest, all of
// it is synced, and only then does the root folder become <voice-models>/<id>,
// and the folder is synced. Any failure removes the temporary folder: nothing
// that counts as installed is left, and the error names the problem.
import { mkdtemp, open, rename, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../base/log';
import { errorCode, isDiskFull } from '../../base/fileSystem';
import { hashFiles } from '../../models/integrity';
import { formatBytes } from '../../models/units';
import type { ChildProcesses } from '../childProcesses';
import {
  listedBytes,
  memberProblem,
  MANIFEST_NAME,
  parseListing,
  type UnpackLimits,
} from './archiveMembers';
import { extractArchive, listArchive, TarFailure } from './tarProgram';
import { checkUnpackedTree, missingRequired } from './unpackedTree';
import type { VoiceCatalogEntry } from './voiceCatalog';
import { writeManifest, type VoiceManifest } from './voiceManifest';
import { installFailure, refusedArchive } from './voiceModelError';

/** Kept free besides the unpacked model, as for downloads. */
const DISK_RESERVE_BYTES = 50e6;
/** Prefix of the temporary folders; a catalog id never starts with a dot. */
export const UNPACK_PREFIX = '.unpack-';
/** Prefix a model's folder is renamed to while it is deleted. */
export const REMOVING_PREFIX = '.removing-';

export interface UnpackRequest {
  entry: VoiceCatalogEntry;
  /** The checked archive. */
  archive: string;
  /** <dataDir>/voice-models: the temporary folder and the model's folder go here. */
  modelsDir: string;
  limits: UnpackLimits;
  children: ChildProcesses;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Installs the archive as `<modelsDir>/<entry.id>`; throws a VoiceModelError
 * naming the model, or VoiceCancelled/IntegrityCancelled when cancelled.
 */
export async function unpackVoiceModel(request: UnpackRequest): Promise<VoiceManifest> {
  const { entry, archive, modelsDir, limits, children, signal } = request;
  const fail = (why: string) => installFailure(entry.displayName, why);
  const refuse = (why: string) => refusedArchive(entry.displayName, why);
  const run = { children, archive, signal };
  let temporary: string | undefined;
  try {
    const members = parseListing(await listArchive(run));
    const refusal = memberProblem(members, entry.archiveRoot, limits);
    if (refusal) throw refuse(refusal);
    const needed = listedBytes(members) + DISK_RESERVE_BYTES;
    const free = await freeBytes(modelsDir);
    if (free !== null && needed > free) {
      throw fail(
        `the disk is too full to unpack it (it needs ${formatBytes(needed)}, ${formatBytes(free)} is free)`,
      );
    }

    temporary = await mkdtemp(join(modelsDir, `${UNPACK_PREFIX}${entry.id}-`));
    await extractArchive(run, temporary);
    const tree = await checkUnpackedTree(temporary, entry.archiveRoot, limits);
    if (typeof tree === 'string') throw refuse(tree);
    const rootDir = join(temporary, entry.archiveRoot);
    const missing = await missingRequired(rootDir, entry);
    if (missing) throw refuse(missing);

    const hashes = await hashFiles(
      tree.map((file) => join(rootDir, file.path)),
      { logger: request.logger, signal },
    );
    const manifest: VoiceManifest = {
      format: 1,
      id: entry.id,
      archiveSha256: entry.sha256,
      files: tree.map((file, i) => ({
        path: file.path,
        sizeBytes: hashes[i]?.sizeBytes ?? -1,
        sha256: hashes[i]?.sha256 ?? '',
      })),
    };
    await writeManifest(rootDir, manifest);
    // Every file's data and every folder's entries reach the disk before the
    // rename can: otherwise a power cut could leave the model's name on a
    // folder of empty files (verified() would refuse them, but not load them).
    await syncTree(rootDir, [...tree.map((file) => file.path), MANIFEST_NAME]);
    const destination = join(modelsDir, entry.id);
    await rm(destination, { recursive: true, force: true });
    await rename(rootDir, destination);
    await syncPath(temporary);
    await syncPath(modelsDir);
    return manifest;
  } catch (error) {
    if (error instanceof TarFailure) throw fail(error.message);
    if (isDiskFull(error)) throw fail('the disk filled up while unpacking it');
    if (errorCode(error) !== undefined)
      throw fail(`a file could not be written (${(error as Error).message})`);
    throw error;
  } finally {
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * Removes the temporary folders an unpacking, or a removal, cut short by a
 * crash left for this model.
 */
export async function removeUnpackLeftovers(
  modelsDir: string,
  id: string,
  names: string[],
): Promise<void> {
  const prefixes = [`${UNPACK_PREFIX}${id}-`, `${REMOVING_PREFIX}${id}-`];
  for (const name of names) {
    if (prefixes.some((prefix) => name.startsWith(prefix))) {
      await rm(join(modelsDir, name), { recursive: true, force: true });
    }
  }
}

async function freeBytes(directory: string): Promise<number | null> {
  const fs = await statfs(directory).catch(() => null);
  return fs ? fs.bavail * fs.bsize : null;
}

/** fsync of the files given and of every folder above them, up to `rootDir`. */
async function syncTree(rootDir: string, files: string[]): Promise<void> {
  const folders = new Set<string>(['']);
  for (const file of files) {
    await syncPath(join(rootDir, file));
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  for (const folder of folders) await syncPath(join(rootDir, folder));
}

/** fsync through a read-only handle: a file unpacked read-only can be synced too. */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
