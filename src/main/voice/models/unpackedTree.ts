// What tar actually wrote, checked again (archiveMembers.ts checked what the
// archive said it holds): only folders and regular files with one link each,
// all under the archive's root folder, within the caps, and every file and
// folder the catalog entry names present and of the right kind.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { VoiceCatalogEntry } from './voiceCatalog';
import type { UnpackLimits } from './archiveMembers';

export interface UnpackedFile {
  /** Relative to the root folder, '/'-separated. */
  path: string;
  sizeBytes: number;
}

/**
 * The regular files under `top/root`, sorted, or a sentence fragment saying
 * why the tree may not be installed.
 */
export async function checkUnpackedTree(
  top: string,
  root: string,
  limits: UnpackLimits,
): Promise<UnpackedFile[] | string> {
  const outside = (await readdir(top)).filter((name) => name !== root);
  if (outside.length > 0)
    return `it unpacked ${JSON.stringify(outside[0])} outside its folder ${root}`;
  const files: UnpackedFile[] = [];
  let entries = 0;
  let bytes = 0;
  const pending = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    const path = join(top, root, relative);
    const info = await lstat(path).catch(() => null);
    if (info === null) return `it did not unpack its folder ${root}`;
    const shown = JSON.stringify(relative === '' ? root : `${root}/${relative}`);
    if (++entries > limits.maxEntries) {
      return `it holds more than the ${limits.maxEntries} entries allowed`;
    }
    if (info.isDirectory()) {
      for (const name of await readdir(path)) pending.push(relative ? `${relative}/${name}` : name);
    } else if (info.isFile()) {
      if (info.nlink !== 1) return `it unpacked a hard link (${shown})`;
      bytes += info.size;
      if (bytes > limits.maxBytes) return 'it unpacks to more than a voice model needs';
      files.push({ path: relative, sizeBytes: info.size });
    } else {
      return `it unpacked something that is not a file or a folder (${shown})`;
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The first file or folder the entry names that is missing, as a sentence fragment; else null. */
export async function missingRequired(
  modelDir: string,
  entry: VoiceCatalogEntry,
): Promise<string | null> {
  for (const [key, relative] of Object.entries(entry.files) as [string, string][]) {
    const info = await lstat(join(modelDir, relative)).catch(() => null);
    // dataDir is a folder (espeak-ng's data); every other entry is a file.
    const wantFolder = key === 'dataDir';
    const right = wantFolder ? info?.isDirectory() : info?.isFile();
    if (!right) {
      return info === null
        ? `it lacks ${relative}, which ${entry.displayName} needs`
        : `its ${relative} is not a ${wantFolder ? 'folder' : 'file'}`;
    }
  }
  return null;
}
