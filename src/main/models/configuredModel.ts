// A model configured by address (HEARTH_MODEL or config.json "model": an
// hf:<owner>/<repo>/<file>.gguf#<revision> URI or an https address) is fetched
// at start-up by the same checked downloader as the setup screen and
// `npm run model -- pull`: allowed addresses only, a sha256 (the hub's, for an
// hf: URI), the size, the GGUF header, and resuming a `.part`. An https address
// carries no checksum, so it is fetched only through the command line, where
// one can be given; once installed, the address names that file.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/log';
import type { Catalog } from './catalog';
import { downloadModel } from './download';
import { ModelDownloadError } from './downloadError';
import { resolveTarget } from './downloadTarget';

export interface ConfiguredModelOptions {
  /** Where models live: <dataDir>/models. */
  modelsDir: string;
  logger: Logger;
  catalog?: Catalog;
  /** For the hub endpoint variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The share of the file downloaded so far, 0 to 1. */
  onProgress?: (fraction: number) => void;
  /** Download time limits and progress pace (tests shorten them). */
  stallMs?: number;
  answerMs?: number;
  progressEveryMs?: number;
}

/**
 * The local path of the model at `address`, downloaded and checked first
 * unless it is installed already. Throws a ModelDownloadError whose message is
 * one sentence for the owner.
 */
export async function fetchConfiguredModel(
  address: string,
  options: ConfiguredModelOptions,
): Promise<string> {
  const { modelsDir, catalog, env, onProgress } = options;
  const target = resolveTarget({ source: address, catalog, env });
  const unchecked = target.hub === null && target.sha256 === null;
  if (unchecked && !(await isFile(join(modelsDir, target.fileName)))) {
    throw new ModelDownloadError(target.displayName, {
      kind: 'refused',
      reason: `Hearth downloads an https address only with its sha256, so run npm run model -- pull ${address} --sha256 <hex> once and start Hearth again`,
    });
  }
  const installed = await downloadModel({
    source: address,
    modelsDir,
    catalog,
    env,
    logger: options.logger,
    signal: options.signal,
    stallMs: options.stallMs,
    answerMs: options.answerMs,
    progressEveryMs: options.progressEveryMs,
    onProgress: ({ phase, bytes, total }) => {
      if (phase === 'download' && total) onProgress?.(Math.min(1, bytes / total));
    },
  });
  return installed.path;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
