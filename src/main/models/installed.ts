// What is in <dataDir>/models: installed models (.gguf files) and unfinished
// downloads (.part files, never loaded as models), and removing either.
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isRemoteModel, readConfigFile } from '../config/config';
import type { Catalog } from './catalog';
import { TransferFailure } from './downloadError';
import { discardPartial, PART_SUFFIX, readPartial } from './partialFile';
import { lockPart } from './partLock';
import { resolveSource } from './source';

export interface InstalledModelFile {
  fileName: string;
  path: string;
  sizeBytes: number;
  /** The catalog entry this file is, if any. */
  catalogId: string | null;
}

export interface UnfinishedDownload {
  /** The model file it will become. */
  fileName: string;
  bytes: number;
  total: number | null;
  /** The catalog model this download is of, if any. */
  catalogId: string | null;
}

export interface ModelsOnDisk {
  installed: InstalledModelFile[];
  unfinished: UnfinishedDownload[];
}

export async function listModelsOnDisk(modelsDir: string, catalog: Catalog): Promise<ModelsOnDisk> {
  const names = (await readdir(modelsDir).catch(() => [] as string[])).sort();
  const installed: InstalledModelFile[] = [];
  const unfinished: UnfinishedDownload[] = [];
  for (const name of names) {
    const path = join(modelsDir, name);
    if (name.toLowerCase().endsWith('.gguf')) {
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      const entry = catalog.entries.find((e) => e.file === name);
      installed.push({ fileName: name, path, sizeBytes: info.size, catalogId: entry?.id ?? null });
    } else if (name.endsWith(PART_SUFFIX)) {
      const fileName = name.slice(0, -PART_SUFFIX.length);
      const partial = await readPartial(modelsDir, fileName);
      const bytes = partial?.bytes ?? (await stat(path).catch(() => null))?.size ?? 0;
      const entry = catalog.entries.find((e) => e.file === fileName);
      unfinished.push({
        fileName,
        bytes,
        total: partial?.meta.total ?? null,
        catalogId: entry?.id ?? null,
      });
    }
  }
  return { installed, unfinished };
}

/** Why a model was not removed: the caller picks its own words and error code from it. */
export type RemoveRefusal = 'bad-name' | 'not-found' | 'starts-with' | 'in-progress';

export class RemoveModelError extends Error {
  override name = 'RemoveModelError';
  constructor(
    readonly refusal: RemoveRefusal,
    /** The model file the removal was for, as the models folder names it. */
    readonly fileName: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Removes a model by catalog id or file name, with any unfinished download of
 * it. Returns the file name removed; throws one sentence when there is none,
 * when it is the model config.json (at `configFile`) starts Hearth with, since
 * the next start would then find no model, or while a download or copy of it
 * runs in any process: the removal holds that file's download lock, so it
 * never pulls the bytes from under a writer.
 */
/**
 * The models-folder file the next start loads, where the settings name one:
 * HEARTH_MODEL wins over config.json's "model", as at start-up; an hf: or
 * https address names the file it is downloaded to.
 */
function startModel(
  modelsDir: string,
  configFile: string,
  env: NodeJS.ProcessEnv,
): { path: string; namedBy: string } | undefined {
  const fromEnv = env.HEARTH_MODEL ?? '';
  const named = fromEnv !== '' ? fromEnv : readConfigFile(configFile).model;
  if (typeof named !== 'string' || named === '') return undefined;
  const namedBy = fromEnv !== '' ? 'HEARTH_MODEL' : `${configFile} "model"`;
  if (!isRemoteModel(named)) return { path: resolve(named), namedBy };
  try {
    return { path: join(modelsDir, resolveSource(named, env).fileName), namedBy };
  } catch {
    // An address start-up would refuse names no file here.
    return undefined;
  }
}

export async function removeModel(
  modelsDir: string,
  name: string,
  catalog: Catalog,
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const entry = catalog.entries.find((e) => e.id === name.toLowerCase());
  const wanted = entry?.file ?? (name.toLowerCase().endsWith('.gguf') ? name : `${name}.gguf`);
  if (basename(wanted) !== wanted || wanted.startsWith('.')) {
    throw new RemoveModelError(
      'bad-name',
      wanted,
      `Give the model's file name as "list" shows it, not a path: ${name}`,
    );
  }
  const present = async (): Promise<ModelsOnDisk & { found: boolean }> => {
    const disk = await listModelsOnDisk(modelsDir, catalog);
    const found =
      disk.installed.some((m) => m.fileName === wanted) ||
      disk.unfinished.some((u) => u.fileName === wanted);
    return { ...disk, found };
  };
  if (!(await present()).found) {
    throw new RemoveModelError('not-found', wanted, `No model named ${name} is in ${modelsDir}.`);
  }
  const lock = await lockPart(modelsDir, wanted).catch((error: unknown) => {
    if (!(error instanceof TransferFailure)) throw error;
    throw new RemoveModelError(
      'in-progress',
      wanted,
      `${wanted} is being downloaded or copied right now; cancel that or wait until it is done, then remove it.`,
    );
  });
  try {
    // Looked at again under the lock: a download may have finished or given up meanwhile.
    const { installed, found } = await present();
    if (!found) {
      throw new RemoveModelError('not-found', wanted, `No model named ${name} is in ${modelsDir}.`);
    }
    const path = join(modelsDir, wanted);
    const start = startModel(modelsDir, configFile, env);
    if (start?.path === path && installed.some((m) => m.path === path)) {
      throw new RemoveModelError(
        'starts-with',
        wanted,
        `${wanted} is the model Hearth starts with (${start.namedBy}), so switch to another model in Settings before removing it.`,
      );
    }
    await rm(path, { force: true });
    await discardPartial(modelsDir, wanted);
    return wanted;
  } finally {
    await lock.release();
  }
}
