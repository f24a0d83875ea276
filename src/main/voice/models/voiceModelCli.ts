// The voice half of `npm run model -- pull | list | remove` (models/commands.ts
// keeps the commands; this holds what is particular to voice models): a voice
// catalog id is pulled with the same terminal progress as a language model,
// then unpacked; `list` shows the voice catalog with what is installed and
// half-fetched; `remove` deletes an installed voice model or its download.
import type { HearthConfig } from '../../config/config';
import {
  EXIT_CANCELLED,
  EXIT_FAILED,
  EXIT_OK,
  type CliIo,
  type VoiceModelCommands,
} from '../../models/commands';
import { TerminalProgress } from '../../models/terminalProgress';
import { formatBytes } from '../../models/units';
import type { VoiceCatalogEntry } from './voiceCatalog';
import { configuredVoiceCatalog } from './voiceCatalogFile';
import { VoiceModelError } from './voiceModelError';
import { VoiceModelStore, voiceModelsDirectory } from './voiceModelStore';

/** The voice commands for the configured data directory and voice catalog. */
export function voiceModelCommands(
  config: HearthConfig,
  io: CliIo,
  catalog: readonly VoiceCatalogEntry[] = configuredVoiceCatalog(config.voiceCatalogFile),
): VoiceModelCommands {
  return new VoiceModelsCli(config.dataDir, catalog, io);
}

class VoiceModelsCli implements VoiceModelCommands {
  readonly #store: VoiceModelStore;
  readonly #io: CliIo;

  constructor(dataDir: string, catalog: readonly VoiceCatalogEntry[], io: CliIo) {
    this.#io = io;
    this.#store = new VoiceModelStore({
      dir: voiceModelsDirectory(dataDir),
      catalog,
      logger: io.logger,
    });
  }

  has(id: string): boolean {
    return this.#store.entry(id) !== undefined;
  }

  async pull(id: string): Promise<number> {
    const bar = new TerminalProgress(this.#io.err);
    let unpacking = false;
    try {
      const result = await this.#store.install(id, {
        signal: this.#io.signal,
        onProgress: (progress) => {
          if (progress.phase !== 'unpack') {
            bar.update({ ...progress, phase: progress.phase });
          } else if (!unpacking) {
            unpacking = true;
            bar.finish();
            this.#io.err.write('Unpacking and checking every file…\n');
          }
        },
      });
      bar.finish();
      const name = this.#store.entry(id)?.displayName ?? id;
      if (result.alreadyInstalled) {
        this.#io.out.write(`${name} is already installed: ${result.dir}\n`);
      } else {
        const resumed =
          result.resumedFrom > 0 ? `, continued from ${formatBytes(result.resumedFrom)}` : '';
        this.#io.out.write(`Installed ${name}: ${result.dir} (sha256 checked${resumed}).\n`);
      }
      return EXIT_OK;
    } catch (error) {
      return this.#failed(error);
    } finally {
      bar.finish();
    }
  }

  async listRows(): Promise<string[]> {
    const installed = new Set(await this.#store.installedIds());
    const unfinished = await this.#store.unfinished();
    const rows = ['Voice models (speech recognizers and voices):'];
    for (const entry of this.#store.catalog) {
      const marks = [
        entry.recommended ? 'recommended' : null,
        installed.has(entry.id) ? 'installed' : null,
      ].filter((mark): mark is string => mark !== null);
      rows.push(
        `  ${entry.id.padEnd(24)}${entry.kind.padEnd(12)}${entry.displayName.padEnd(30)}` +
          `${formatBytes(entry.sizeBytes).padStart(8)}  ${entry.licence}` +
          `${marks.length ? `  [${marks.join(', ')}]` : ''}`,
      );
    }
    const parts = unfinished.filter((part) => !installed.has(part.id));
    if (parts.length > 0) {
      rows.push('', 'Unfinished voice model downloads (pull again to continue, remove to delete):');
      for (const part of parts) {
        const of = part.total === null ? '' : ` of ${formatBytes(part.total)}`;
        rows.push(`  ${part.id.padEnd(24)}${formatBytes(part.bytes)}${of}`);
      }
    }
    return rows;
  }

  async remove(id: string): Promise<number> {
    try {
      const removed = await this.#store.remove(id);
      const name = this.#store.entry(id)?.displayName ?? id;
      const what = removed.installed ? name : `the unfinished download of ${name}`;
      this.#io.out.write(`Removed ${what} from ${this.#store.dir}.\n`);
      return EXIT_OK;
    } catch (error) {
      return this.#failed(error);
    }
  }

  dispose(): Promise<void> {
    return this.#store.dispose();
  }

  #failed(error: unknown): number {
    if (!(error instanceof VoiceModelError)) throw error;
    this.#io.err.write(`${error.message}\n`);
    return error.problem === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILED;
  }
}
