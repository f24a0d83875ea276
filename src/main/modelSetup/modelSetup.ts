// First-run model setup and the model part of Settings: what can be picked
// (the catalog with this machine's fit, installed models, files on a USB
// stick), downloading one, using a file, cancelling, and removing a model to
// free the card. The bytes are moved by src/main/models; ModelJobs runs one
// job at a time and loads the result.
import { join } from 'node:path';
import type { ModelDownload, ModelFile, ModelList } from '../../shared/api';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import type { InferenceEngine } from '../inference/engine';
import { checkModelHeader } from '../inference/modelFile';
import { findCatalogEntry, type Catalog } from '../models/catalog';
import { downloadModel } from '../models/download';
import { estimateFileFit, type FitOptions, type MemoryState } from '../models/fit';
import { listModelsOnDisk, removeModel, RemoveModelError } from '../models/installed';
import { RefusedSourceError, resolveSource } from '../models/source';
import { withoutPaths } from '../rpc/publicMessage';
import { catalogModels, fitFields } from './modelCatalog';
import { copyDestination, copyModelIn, removeLeftoverCopies } from './modelCopy';
import { checkModelPath, findModelFiles, type FoundModelFile, type ModelRoots } from './modelFiles';
import { ModelJobs, type ModelJobDeps } from './modelJob';

export interface ModelSetupDeps extends Omit<ModelJobDeps, 'switchModel'> {
  logger: Logger;
  engine: Pick<InferenceEngine, 'switchModel' | 'modelPath'>;
  catalog: Catalog;
  roots: ModelRoots;
  /** config.json: the model it names is the one Hearth starts with, so it is not removed. */
  configFile: string;
  /** Context tokens the model runs with, for the fit estimate. */
  contextSize: number;
  /** This machine's memory; default from the OS (tests set it). */
  memory?: MemoryState;
  /** For the hub endpoint variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Download time limits (tests shorten them). */
  stallMs?: number;
  answerMs?: number;
}

export type DownloadChoice = { catalogId: string } | { url: string; sha256?: string };

type Fit = ReturnType<typeof fitFields>;

export class ModelSetup implements AsyncDisposable {
  readonly #deps: ModelSetupDeps;
  readonly #jobs: ModelJobs;
  /** Reading a file's GGUF header for its fit takes a moment: once per file and size. */
  readonly #fits = new Map<string, Fit>();
  /** Clearing away what copies cut short by a crash left, started with the service. */
  readonly #tidied: Promise<void>;

  constructor(deps: ModelSetupDeps) {
    this.#deps = deps;
    this.#jobs = new ModelJobs({ ...deps, switchModel: (path) => deps.engine.switchModel(path) });
    this.#tidied = removeLeftoverCopies(deps.roots.modelsDir, deps.logger).then(
      () => undefined,
      (error: unknown) => deps.logger.warn('model_copy_leftovers_kept', { error: String(error) }),
    );
  }

  get #fitOptions(): FitOptions {
    return { contextSize: this.#deps.contextSize, memory: this.#deps.memory };
  }

  async list(): Promise<ModelList> {
    const { catalog, roots, engine } = this.#deps;
    await this.#tidied;
    const disk = await listModelsOnDisk(roots.modelsDir, catalog);
    const installed = await Promise.all(
      disk.installed.map((file) =>
        this.#describe({ ...file, location: 'models' }, file.catalogId ?? undefined),
      ),
    );
    const installedIds = new Set(disk.installed.flatMap((m) => (m.catalogId ? [m.catalogId] : [])));
    return {
      catalog: catalogModels(catalog, installedIds, this.#fitOptions),
      installed,
      unfinished: disk.unfinished,
      ...(engine.modelPath === undefined ? {} : { currentPath: engine.modelPath }),
      download: this.#jobs.current(),
    };
  }

  /** .gguf files in the models folder and on USB sticks, for "Use a file". */
  async files(): Promise<ModelFile[]> {
    const found = await findModelFiles(this.#deps.roots);
    const catalogId = (name: string) =>
      this.#deps.catalog.entries.find((entry) => entry.file === name)?.id;
    return Promise.all(found.map((file) => this.#describe(file, catalogId(file.fileName))));
  }

  download(choice: DownloadChoice): ModelDownload {
    const { catalog, env } = this.#deps;
    let name: string;
    let total: number | null = null;
    let catalogId: string | undefined;
    if ('catalogId' in choice) {
      const entry = findCatalogEntry(catalog, choice.catalogId);
      if (!entry)
        throw new ApiFailure('not_found', `No model "${choice.catalogId}" is in the catalog.`);
      ({ displayName: name, sizeBytes: total, id: catalogId } = entry);
    } else {
      try {
        name = resolveSource(choice.url, env).fileName;
      } catch (error) {
        if (!(error instanceof RefusedSourceError)) throw error;
        throw new ApiFailure('bad_request', `That address cannot be used: ${error.message}.`);
      }
    }
    const source = 'catalogId' in choice ? choice.catalogId : choice.url;
    const sha256 = 'url' in choice ? choice.sha256?.toLowerCase() : undefined;
    return this.#jobs.start(
      {
        state: 'downloading',
        model: name,
        ...(catalogId === undefined ? {} : { catalogId }),
        bytes: 0,
        total,
        bytesPerSecond: 0,
        secondsLeft: null,
      },
      async (signal, progress) => {
        const installed = await downloadModel({
          source,
          sha256,
          catalog,
          env,
          modelsDir: this.#deps.roots.modelsDir,
          logger: this.#deps.logger,
          signal,
          stallMs: this.#deps.stallMs,
          answerMs: this.#deps.answerMs,
          progressEveryMs: this.#deps.progressEveryMs,
          onProgress: ({ phase, ...bytes }) =>
            progress({ state: phase === 'download' ? 'downloading' : 'verifying', ...bytes }),
        });
        return installed.path;
      },
    );
  }

  /** Loads a picked file; one on a USB stick is copied into the models folder first. */
  async useFile(path: string): Promise<ModelDownload> {
    const { roots } = this.#deps;
    const picked = await checkModelPath(path, roots);
    const header = await checkModelHeader(picked.path);
    if ('problem' in header) throw new ApiFailure('bad_request', withoutPaths(header.problem));
    const name = picked.path.split('/').pop() ?? picked.path;
    const sized = { bytes: 0, total: header.sizeBytes, bytesPerSecond: 0, secondsLeft: null };
    if (picked.location === 'models') {
      return this.#jobs.start({ state: 'loading', model: name, ...sized }, async () => picked.path);
    }
    const destination = await copyDestination(picked.path, roots.modelsDir);
    return this.#jobs.start(
      { state: 'copying', model: name, ...sized },
      async (signal, progress) => {
        await copyModelIn(picked.path, destination, {
          sizeBytes: header.sizeBytes,
          signal,
          progressEveryMs: this.#deps.progressEveryMs,
          onProgress: ({ phase, ...bytes }) =>
            progress({ state: phase === 'copy' ? 'copying' : 'verifying', ...bytes }),
          logger: this.#deps.logger,
          catalog: this.#deps.catalog,
        });
        return destination;
      },
    );
  }

  cancel(): { cancelled: boolean } {
    return { cancelled: this.#jobs.cancel() };
  }

  /**
   * Deletes an installed model, or the unfinished download of one, from the
   * models folder; refuses in one sentence the model in use or the one Hearth
   * starts with, a file being downloaded, copied or loaded, and a name that is
   * not there.
   */
  async removeModel(fileName: string): Promise<void> {
    const { roots, engine, catalog, configFile, logger } = this.#deps;
    const path = join(roots.modelsDir, fileName);
    if (engine.modelPath === path) {
      throw new ApiFailure(
        'busy',
        `${fileName} is the model Hearth is using; switch to another model before removing it.`,
      );
    }
    if (this.#jobs.loadingPath() === path) {
      throw new ApiFailure('busy', `${fileName} is being loaded; wait until it is ready.`);
    }
    try {
      await removeModel(roots.modelsDir, fileName, catalog, configFile, this.#deps.env);
    } catch (error) {
      if (!(error instanceof RemoveModelError)) throw error;
      throw refusal(error);
    }
    for (const key of this.#fits.keys()) if (key.startsWith(`${path}\0`)) this.#fits.delete(key);
    logger.info('model_removed', { fileName });
  }

  /** Cancels a download or copy under way and waits until it has stopped. */
  async dispose(): Promise<void> {
    await this.#jobs.close();
    await this.#tidied;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #describe(file: FoundModelFile, catalogId: string | undefined): Promise<ModelFile> {
    return {
      path: file.path,
      fileName: file.fileName,
      sizeBytes: file.sizeBytes,
      location: file.location,
      ...(catalogId === undefined ? {} : { catalogId }),
      current: file.path === this.#deps.engine.modelPath,
      ...(await this.#fit(file)),
    };
  }

  async #fit(file: FoundModelFile): Promise<Fit> {
    const key = `${file.path}\0${file.sizeBytes}`;
    const known = this.#fits.get(key);
    if (known) return known;
    const fit = await estimateFileFit(file.path, file.fileName, this.#fitOptions).then(
      fitFields,
      () => ({
        fits: false,
        memoryBytes: 0,
        fitWarning: `${file.fileName} cannot be read as a GGUF model.`,
      }),
    );
    this.#fits.set(key, fit);
    return fit;
  }
}

/** The owner's sentence for a removal the models folder refused (without its paths). */
function refusal(error: RemoveModelError): ApiFailure {
  const name = error.fileName;
  switch (error.refusal) {
    case 'bad-name':
      return new ApiFailure('bad_request', `${name} is not the name of a model file.`);
    case 'not-found':
      return new ApiFailure('not_found', `There is no ${name} in the models folder.`);
    case 'starts-with':
      return new ApiFailure(
        'busy',
        `${name} is the model Hearth starts with; switch to another model before removing it.`,
      );
    case 'in-progress':
      return new ApiFailure('busy', error.message);
  }
}
