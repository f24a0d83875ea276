// The voice models on this Hearth, in <dataDir>/voice-models: one folder per
// installed catalog id (the archive's root folder, with Hearth's manifest), and
// the unfinished download of an archive as `<id>.tar.bz2.part` beside them. A
// model is installed when its folder holds a readable manifest; everything else
// there (temporary folders, parts) is never loaded.
//
// A download reuses the language models' parts: the transfer (sequential,
// Range-resumable, https only with every redirect hop checked, stall and answer
// timeouts), the lock one writer holds on a `.part`, the sha256 and size check
// in a worker, and the same failure sentences. Then voiceUnpack.ts installs it.
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../base/log';
import {
  ModelDownloadError,
  TransferFailure,
  type DownloadFailure,
} from '../../models/downloadError';
import { checkIntegrity, hashFiles, IntegrityCancelled } from '../../models/integrity';
import { discardPartial, forgetPartMeta, partPath, readPartial } from '../../models/partialFile';
import { lockPart } from '../../models/partLock';
import type { ByteProgress } from '../../models/speed';
import { transferToPart } from '../../models/transfer';
import { ChildProcesses, VoiceCancelled } from '../childProcesses';
import type { UnpackLimits } from './archiveMembers';
import type { InstalledVoiceModel, VoiceModelSource } from './installedVoiceModel';
import { findVoiceCatalogEntry, type VoiceCatalogEntry } from './voiceCatalog';
import { readManifest, type VoiceManifest } from './voiceManifest';
import { damaged, VoiceModelError } from './voiceModelError';
import { REMOVING_PREFIX, removeUnpackLeftovers, unpackVoiceModel } from './voiceUnpack';

export type VoiceInstallProgress = ByteProgress & { phase: 'download' | 'verify' | 'unpack' };

export interface VoiceModelStoreOptions {
  /** <dataDir>/voice-models. */
  dir: string;
  catalog: readonly VoiceCatalogEntry[];
  logger: Logger;
  /** Caps on what one archive may unpack to; defaults fit the catalog's largest with room. */
  limits?: Partial<UnpackLimits>;
  /** Download time limits and progress pacing (tests shorten them). */
  stallMs?: number;
  answerMs?: number;
  progressEveryMs?: number;
}

export interface InstallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: VoiceInstallProgress) => void;
}

export interface VoiceInstallResult {
  dir: string;
  alreadyInstalled: boolean;
  /** Bytes of the archive an earlier attempt had fetched. */
  resumedFrom: number;
}

export interface UnfinishedVoiceDownload {
  id: string;
  bytes: number;
  total: number | null;
}

/** The catalog's archives unpack to under 400 MB and a few hundred files (espeak-ng-data). */
const DEFAULT_LIMITS: UnpackLimits = { maxBytes: 2e9, maxEntries: 5000 };

/** Where voice models live. */
export function voiceModelsDirectory(dataDir: string): string {
  return join(dataDir, 'voice-models');
}

/** The archive's name while it downloads (as `<name>.part`). */
export function archiveFileName(entry: Pick<VoiceCatalogEntry, 'id'>): string {
  return `${entry.id}.tar.bz2`;
}

export class VoiceModelStore implements VoiceModelSource, AsyncDisposable {
  readonly dir: string;
  readonly catalog: readonly VoiceCatalogEntry[];
  readonly #options: VoiceModelStoreOptions;
  readonly #limits: UnpackLimits;
  /** tar runs, killed on dispose. */
  readonly #children = new ChildProcesses();
  /** Ids being installed by this process; another process is kept out by the part's lock. */
  readonly #active = new Set<string>();

  constructor(options: VoiceModelStoreOptions) {
    this.#options = options;
    this.dir = options.dir;
    this.catalog = options.catalog;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  entry(id: string): VoiceCatalogEntry | undefined {
    return findVoiceCatalogEntry(id, this.catalog);
  }

  async installedIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const entry of this.catalog) {
      const manifest = await readManifest(join(this.dir, entry.id), entry.id).catch(() => null);
      if (manifest !== null) ids.push(entry.id);
    }
    return ids;
  }

  async unfinished(): Promise<UnfinishedVoiceDownload[]> {
    const found: UnfinishedVoiceDownload[] = [];
    for (const entry of this.catalog) {
      const partial = await readPartial(this.dir, archiveFileName(entry));
      if (partial) found.push({ id: entry.id, bytes: partial.bytes, total: partial.meta.total });
    }
    return found;
  }

  async verified(id: string): Promise<InstalledVoiceModel> {
    const entry = this.#known(id);
    const dir = join(this.dir, entry.id);
    let manifest: VoiceManifest | null;
    try {
      manifest = await readManifest(dir, entry.id);
    } catch (error) {
      throw damaged(entry.displayName, (error as Error).message);
    }
    if (manifest === null) {
      throw new VoiceModelError('not-installed', `${entry.displayName} is not installed.`);
    }
    // Sizes first: a missing or truncated file is named without hashing the rest.
    for (const file of manifest.files) {
      const info = await lstat(join(dir, file.path)).catch(() => null);
      if (!info?.isFile()) throw damaged(entry.displayName, `${file.path} is missing`);
      if (info.size !== file.sizeBytes) {
        throw damaged(
          entry.displayName,
          `${file.path} is ${info.size} bytes instead of ${file.sizeBytes} (truncated or changed)`,
        );
      }
    }
    const hashes = await hashFiles(
      manifest.files.map((file) => join(dir, file.path)),
      { logger: this.#options.logger },
    ).catch((error: unknown) => {
      throw damaged(entry.displayName, `its files cannot be read (${(error as Error).message})`);
    });
    manifest.files.forEach((file, i) => {
      if (hashes[i]?.sha256 !== file.sha256) {
        throw damaged(entry.displayName, `${file.path} has changed since it was installed`);
      }
    });
    const listed = new Set(manifest.files.map((file) => file.path));
    const files: Record<string, string> = {};
    for (const [key, relative] of Object.entries(entry.files) as [string, string][]) {
      const present =
        key === 'dataDir'
          ? (await lstat(join(dir, relative)).catch(() => null))?.isDirectory()
          : listed.has(relative);
      if (!present) throw damaged(entry.displayName, `${relative} is missing`);
      files[key] = join(dir, relative);
    }
    return { entry, dir, files } as InstalledVoiceModel;
  }

  /**
   * Downloads, checks and installs one catalog model; an installed one is left
   * as it is. Throws a VoiceModelError naming the model and the problem.
   */
  async install(id: string, options: InstallOptions = {}): Promise<VoiceInstallResult> {
    const entry = this.#known(id);
    if (this.#active.has(entry.id)) {
      throw new VoiceModelError('refused', `${entry.displayName} is already being downloaded.`);
    }
    this.#active.add(entry.id);
    const { logger } = this.#options;
    logger.info('voice_model_download_started', { model: entry.id, url: entry.url });
    try {
      await mkdir(this.dir, { recursive: true });
      const lock = await lockPart(this.dir, archiveFileName(entry));
      try {
        const result = await this.#install(entry, options);
        logger.info('voice_model_installed', { model: entry.id, ...result });
        return result;
      } finally {
        await lock.release();
      }
    } catch (error) {
      const failure = asVoiceModelError(entry, error);
      logger.warn('voice_model_install_failed', { model: entry.id, problem: failure.problem });
      throw failure;
    } finally {
      this.#active.delete(entry.id);
    }
  }

  /**
   * Removes the installed model and any unfinished download of it; says which
   * it removed, and throws when there was neither or another process downloads it.
   */
  async remove(id: string): Promise<{ installed: boolean; unfinished: boolean }> {
    const entry = this.#known(id);
    if (this.#active.has(entry.id)) {
      throw new VoiceModelError(
        'refused',
        `${entry.displayName} is being downloaded; cancel it before removing it.`,
      );
    }
    await mkdir(this.dir, { recursive: true });
    const lock = await lockPart(this.dir, archiveFileName(entry)).catch((error: unknown) => {
      if (error instanceof TransferFailure && error.failure.kind === 'refused') {
        throw new VoiceModelError(
          'refused',
          `Cannot remove ${entry.displayName}: ${error.failure.reason}.`,
        );
      }
      throw asVoiceModelError(entry, error);
    });
    await removeUnpackLeftovers(this.dir, entry.id, await readdir(this.dir));
    try {
      const dir = join(this.dir, entry.id);
      const installed = (await lstat(dir).catch(() => null)) !== null;
      if (installed) {
        // Renamed first, so it stops counting as installed at once even if
        // deleting hundreds of files is cut short.
        const doomed = join(this.dir, `${REMOVING_PREFIX}${entry.id}-${process.pid}-${Date.now()}`);
        await rename(dir, doomed);
        await rm(doomed, { recursive: true, force: true });
      }
      const unfinished =
        (await readPartial(this.dir, archiveFileName(entry))) !== null ||
        (await lstat(partPath(this.dir, archiveFileName(entry))).catch(() => null)) !== null;
      await discardPartial(this.dir, archiveFileName(entry));
      if (!installed && !unfinished) {
        throw new VoiceModelError('not-installed', `${entry.displayName} is not installed.`);
      }
      this.#options.logger.info('voice_model_removed', { model: entry.id, installed, unfinished });
      return { installed, unfinished };
    } finally {
      await lock.release();
    }
  }

  /** Kills a tar still running (its install then fails as cancelled). */
  async dispose(): Promise<void> {
    await this.#children.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #known(id: string): VoiceCatalogEntry {
    const entry = this.entry(id);
    if (!entry) throw new VoiceModelError('refused', `No voice model "${id}" is in the catalog.`);
    return entry;
  }

  async #install(entry: VoiceCatalogEntry, options: InstallOptions): Promise<VoiceInstallResult> {
    const { signal, onProgress } = options;
    const modelDir = join(this.dir, entry.id);
    await removeUnpackLeftovers(this.dir, entry.id, await readdir(this.dir));
    if ((await readManifest(modelDir, entry.id).catch(() => null)) !== null) {
      return { dir: modelDir, alreadyInstalled: true, resumedFrom: 0 };
    }
    const fileName = archiveFileName(entry);
    const transfer = await transferToPart({
      url: entry.url,
      directory: this.dir,
      fileName,
      sha256: entry.sha256,
      signal,
      stallMs: this.#options.stallMs,
      answerMs: this.#options.answerMs,
      progressEveryMs: this.#options.progressEveryMs,
      onProgress: (progress) => onProgress?.({ phase: 'download', ...progress }),
    });
    const part = partPath(this.dir, fileName);
    const report = await checkIntegrity(
      part,
      { sha256: entry.sha256, sizeBytes: entry.sizeBytes, magic: null },
      {
        logger: this.#options.logger,
        signal,
        onProgress: (bytes, total) =>
          onProgress?.({ phase: 'verify', bytes, total, bytesPerSecond: 0, secondsLeft: null }),
      },
    );
    if (report.problem) {
      await discardPartial(this.dir, fileName);
      throw new TransferFailure(
        report.problem === 'wrong-size'
          ? { kind: 'wrong-size', bytes: report.sizeBytes, expected: entry.sizeBytes }
          : { kind: 'checksum-mismatch' },
      );
    }
    onProgress?.({
      phase: 'unpack',
      bytes: entry.sizeBytes,
      total: entry.sizeBytes,
      bytesPerSecond: 0,
      secondsLeft: null,
    });
    try {
      await unpackVoiceModel({
        entry,
        archive: part,
        modelsDir: this.dir,
        limits: this.#limits,
        children: this.#children,
        logger: this.#options.logger,
        signal,
      });
    } catch (error) {
      // Checked bytes whose contents are refused would be refused again: not kept.
      // After a full disk or a cancel they are, to unpack without fetching again.
      if (error instanceof VoiceModelError && error.badArchive) {
        await discardPartial(this.dir, fileName);
      }
      throw error;
    }
    await forgetPartMeta(this.dir, fileName);
    await rm(part, { force: true });
    return { dir: modelDir, alreadyInstalled: false, resumedFrom: transfer.resumedFrom };
  }
}

function asVoiceModelError(entry: VoiceCatalogEntry, error: unknown): VoiceModelError {
  if (error instanceof VoiceModelError) return error;
  let failure: DownloadFailure;
  if (error instanceof TransferFailure || error instanceof ModelDownloadError) {
    failure = error.failure;
  } else if (error instanceof IntegrityCancelled || error instanceof VoiceCancelled) {
    failure = { kind: 'cancelled' };
  } else {
    failure = { kind: 'disk', reason: error instanceof Error ? error.message : String(error) };
  }
  const sentence = new ModelDownloadError(entry.displayName, failure).message;
  const problem =
    failure.kind === 'cancelled' ? 'cancelled' : failure.kind === 'refused' ? 'refused' : 'failed';
  return new VoiceModelError(problem, sentence, failure);
}
