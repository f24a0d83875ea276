// "Use a file": the .gguf files the owner may pick, and the strict check of a
// picked path. Only two places count: Hearth's models folder, and USB sticks
// as Raspberry Pi OS mounts them (/media/<user>/<label>). A path is taken only
// if it names a regular .gguf file inside one of them with no symbolic link on
// the way, so no crafted path or link can make Hearth read anything else.
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { ModelFile } from '../../shared/api';
import { ApiFailure } from '../contracts/failure';

/** Where a file was found, as the API names it. */
export type ModelFileLocation = ModelFile['location'];

export interface ModelRoots {
  /** <dataDir>/models */
  modelsDir: string;
  /** Where USB sticks are mounted. */
  usb: readonly string[];
}

export interface FoundModelFile {
  path: string;
  fileName: string;
  sizeBytes: number;
  location: ModelFileLocation;
}

/** Raspberry Pi OS mounts a stick at /media/<user>/<label>. */
export function defaultUsbRoots(): string[] {
  try {
    return [join('/media', userInfo().username)];
  } catch {
    return [];
  }
}

/** Folders below a stick's top that are searched (a stick with models/ or a folder per model). */
const USB_DEPTH = 3;
/** A stick full of files must not make the list endless. */
const MAX_FILES = 200;

const isModelName = (name: string): boolean =>
  name.toLowerCase().endsWith('.gguf') && !name.startsWith('.');

export async function findModelFiles(roots: ModelRoots): Promise<FoundModelFile[]> {
  const found: FoundModelFile[] = [];
  await walk(roots.modelsDir, 0, 'models', found);
  for (const root of roots.usb) await walk(root, USB_DEPTH + 1, 'usb', found);
  return found.slice(0, MAX_FILES);
}

async function walk(
  directory: string,
  depthLeft: number,
  location: ModelFileLocation,
  found: FoundModelFile[],
): Promise<void> {
  if (found.length >= MAX_FILES) return;
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return; // not there (no stick), or not readable
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    // Links are never followed: they could lead out of the allowed places.
    if (entry.isFile() && isModelName(entry.name)) {
      const info = await lstat(path).catch(() => null);
      if (info?.isFile()) {
        found.push({ path, fileName: entry.name, sizeBytes: info.size, location });
      }
    } else if (entry.isDirectory() && depthLeft > 0 && !entry.name.startsWith('.')) {
      await walk(path, depthLeft - 1, location, found);
    }
  }
}

function refuse(message: string): never {
  throw new ApiFailure('bad_request', message);
}

/**
 * The picked model file's path and where it is, or an ApiFailure saying in one
 * sentence why it cannot be used.
 */
export async function checkModelPath(
  input: string,
  roots: ModelRoots,
): Promise<{ path: string; location: ModelFileLocation }> {
  if (!isAbsolute(input) || input.includes('\0') || normalize(input) !== input) {
    refuse('Pick a model file from the list; that is not a plain full path.');
  }
  if (!isModelName(basename(input))) refuse('Only .gguf model files can be used.');
  const places: { root: string; location: ModelFileLocation }[] = [
    { root: roots.modelsDir, location: 'models' },
    ...roots.usb.map((root) => ({ root, location: 'usb' as const })),
  ];
  const place = places.find(({ root }) => isInside(root, input));
  if (!place) {
    refuse("Only files in Hearth's models folder or on a USB stick can be used.");
  }
  const info = await lstat(input).catch(() => null);
  if (!info) throw new ApiFailure('not_found', 'That model file is no longer there.');
  if (!info.isFile()) refuse('That is not a regular file (links are not followed).');
  // Any link on the way shows up as a real path other than the root's real path plus the rest.
  const realRoot = await realpath(place.root).catch(() => null);
  const real = await realpath(input).catch(() => null);
  if (realRoot === null || real !== join(realRoot, relative(place.root, input))) {
    refuse('That file is reached through a link, which is not followed.');
  }
  return { path: input, location: place.location };
}

function isInside(root: string, path: string): boolean {
  const rest = relative(normalize(root), path);
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest);
}
