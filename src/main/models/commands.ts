// `npm run model -- pull | list | remove`: model setup over SSH. Each command
// prints what it did, or one line saying why not, and returns the exit code.
import { parseArgs } from 'node:util';
import type { Logger } from '../base/log';
import { loadConfig, modelsDirectory, type HearthConfig } from '../config/config';
import { configuredCatalog, estimatedTokensPerSecond, type Catalog } from './catalog';
import { downloadModel } from './download';
import { ModelDownloadError } from './downloadError';
import { estimateCatalogFit } from './fit';
import { listModelsOnDisk, removeModel, RemoveModelError } from './installed';
import { TerminalProgress, type ProgressStream } from './terminalProgress';
import { formatBytes } from './units';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: ProgressStream;
  err: ProgressStream;
  logger: Logger;
  /** Aborted by Ctrl+C. */
  signal?: AbortSignal;
  catalog?: Catalog;
  /**
   * The voice model commands (src/main/voice/models, which this layer does not
   * import; the entry point hands them in). Without them only language models
   * are listed and pulled.
   */
  voice?: (config: HearthConfig) => VoiceModelCommands;
}

/** What `pull`, `list` and `remove` do for a voice model's catalog id. */
export interface VoiceModelCommands {
  /** Whether the name is a voice catalog id. */
  has(id: string): boolean;
  /** Downloads and installs it, printing the outcome; the exit code. */
  pull(id: string): Promise<number>;
  /** The voice section of `list`. */
  listRows(): Promise<string[]>;
  /** Removes it (or its unfinished download), printing the outcome; the exit code. */
  remove(id: string): Promise<number>;
  dispose(): Promise<void>;
}

export const USAGE = `Usage: npm run model -- <command>

  pull <catalog id | https URL | hf:owner/repo/file.gguf#revision> [--sha256 <hex>]
                 download a model into <dataDir>/models, resuming an earlier attempt
                 (a voice model's id, e.g. moonshine-tiny-en: into <dataDir>/voice-models)
  list           the catalogs, installed models and unfinished downloads
  remove <name>  remove an installed model (catalog id or file name) or its unfinished download
`;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

export async function runModelCli(argv: string[], io: CliIo): Promise<number> {
  const line = (stream: ProgressStream, text: string): void => void stream.write(`${text}\n`);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { sha256: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    line(io.err, `hearth model: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === 'help' || command === undefined) {
    (command === undefined && !parsed.values.help ? io.err : io.out).write(USAGE);
    return command === undefined && !parsed.values.help ? EXIT_USAGE : EXIT_OK;
  }
  let voice: VoiceModelCommands | undefined;
  try {
    const config = loadConfig(io.env);
    const catalog = io.catalog ?? configuredCatalog(config.catalogFile);
    const modelsDir = modelsDirectory(config.dataDir);
    voice = io.voice?.(config);
    switch (command) {
      case 'pull':
        if (rest.length !== 1)
          return usageError(io, 'pull takes one model: a catalog id, an https URL or an hf: URI');
        if (voice?.has(rest[0] ?? '')) {
          if (parsed.values.sha256 !== undefined) {
            return usageError(
              io,
              'a voice model is checked against its catalog pin; drop --sha256',
            );
          }
          return await voice.pull(rest[0] ?? '');
        }
        return await pull(rest[0] ?? '', parsed.values.sha256, modelsDir, catalog, io);
      case 'list':
        await list(modelsDir, catalog, io);
        if (voice) io.out.write(`\n${(await voice.listRows()).join('\n')}\n`);
        return EXIT_OK;
      case 'remove': {
        if (rest.length !== 1) return usageError(io, 'remove takes one model name');
        if (voice?.has(rest[0] ?? '')) return await voice.remove(rest[0] ?? '');
        const removed = await removeModel(
          modelsDir,
          rest[0] ?? '',
          catalog,
          config.configFile,
          io.env,
        );
        line(io.out, `Removed ${removed} from ${modelsDir}.`);
        return EXIT_OK;
      }
      default:
        return usageError(io, `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ModelDownloadError || error instanceof RemoveModelError) {
      line(io.err, error.message);
      return error instanceof ModelDownloadError && error.kind === 'cancelled'
        ? EXIT_CANCELLED
        : EXIT_FAILED;
    }
    line(io.err, `hearth model: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  } finally {
    await voice?.dispose();
  }
}

function usageError(io: CliIo, message: string): number {
  io.err.write(`hearth model: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

async function pull(
  source: string,
  sha256: string | undefined,
  modelsDir: string,
  catalog: Catalog,
  io: CliIo,
): Promise<number> {
  const bar = new TerminalProgress(io.err);
  try {
    const model = await downloadModel({
      source,
      sha256,
      modelsDir,
      catalog,
      logger: io.logger,
      signal: io.signal,
      env: io.env,
      onProgress: (progress) => bar.update(progress),
    });
    bar.finish();
    if (model.alreadyInstalled) {
      io.out.write(`${model.displayName} is already installed: ${model.path}\n`);
    } else {
      const resumed =
        model.resumedFrom > 0 ? `, continued from ${formatBytes(model.resumedFrom)}` : '';
      io.out.write(
        `Installed ${model.displayName}: ${model.path} (${formatBytes(model.sizeBytes)}, sha256 checked${resumed}).\n`,
      );
    }
    return EXIT_OK;
  } finally {
    bar.finish();
  }
}

async function list(modelsDir: string, catalog: Catalog, io: CliIo): Promise<void> {
  const { installed, unfinished } = await listModelsOnDisk(modelsDir, catalog);
  const rows: string[] = ['Catalog (speeds are estimates for a Raspberry Pi 5):'];
  for (const entry of catalog.entries) {
    const fit = estimateCatalogFit(entry, { contextSize: safeContextSize(io.env) });
    const marks = [
      entry.id === catalog.recommended ? 'recommended' : null,
      installed.some((m) => m.catalogId === entry.id) ? 'installed' : null,
      fit.fits ? null : 'too big for this machine',
    ].filter((mark): mark is string => mark !== null);
    rows.push(
      `  ${entry.id.padEnd(24)}${entry.displayName.padEnd(24)}${formatBytes(entry.sizeBytes).padStart(8)}` +
        `  needs ~${formatBytes(fit.neededBytes).padEnd(8)}` +
        `~${`${estimatedTokensPerSecond(entry)} tokens/s`.padEnd(15)}` +
        `${entry.licence}${marks.length ? `  [${marks.join(', ')}]` : ''}`,
    );
  }
  rows.push('', `Installed in ${modelsDir}:`);
  if (installed.length === 0) rows.push('  (none)');
  for (const model of installed) {
    rows.push(`  ${model.fileName.padEnd(48)}${formatBytes(model.sizeBytes).padStart(8)}`);
  }
  if (unfinished.length > 0) {
    rows.push('', 'Unfinished downloads (pull again to continue, remove to delete):');
    for (const part of unfinished) {
      const of = part.total === null ? '' : ` of ${formatBytes(part.total)}`;
      rows.push(`  ${part.fileName.padEnd(48)}${formatBytes(part.bytes)}${of}`);
    }
  }
  io.out.write(`${rows.join('\n')}\n`);
}

function safeContextSize(env: NodeJS.ProcessEnv): number {
  try {
    return loadConfig(env).contextSize;
  } catch {
    return 2048;
  }
}
