// Which engine each half of voice uses now, kept up to date: from the owner's
// choices (Settings), what is installed (a VoiceModelSource) and the floor
// engines found at start-up. A chosen model is checked (verified()) when it is
// picked, loaded in its worker at its first use, and its worker is stopped
// when another engine is picked and at dispose. A model that is missing, fails
// its check or fails to load turns its half off with one sentence.
import type { VoiceEngineReport } from '../../../shared/voice';
import {
  AUTOMATIC_CHOICE,
  type VoiceEngineChoice,
  type VoiceModelKind,
} from '../../../shared/voiceModelsSchema';
import type { Logger } from '../../base/log';
import type { ScriptProcessPort } from '../../contracts/scriptProcess';
import type { ThreadRegistry } from '../../threads/registry';
import type { InstalledVoiceModel, VoiceModelSource } from '../models/installedVoiceModel';
import { VOICE_CATALOG, type VoiceCatalogEntry } from '../models/voiceCatalog';
import { floorOf, pickEngine } from './engineChoice';
import { SherpaRecognizer } from './sherpaRecognizer';
import { SherpaVoice } from './sherpaVoice';

export interface Hearing {
  choice: VoiceEngineChoice;
  engine: VoiceEngineReport['stt']['engine'];
  /** Set when a downloaded model is in use. */
  sherpa?: SherpaRecognizer;
}

export interface Speaking {
  choice: VoiceEngineChoice;
  engine: VoiceEngineReport['tts']['engine'];
  sherpa?: SherpaVoice;
}

export interface EngineSelectionOptions {
  source: VoiceModelSource;
  recognizer?: string;
  voice?: string;
  catalog?: readonly VoiceCatalogEntry[];
  logger: Logger;
  registry?: ThreadRegistry;
  /** What runs each model's probe; default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
}

export class EngineSelection {
  readonly #options: EngineSelectionOptions;
  readonly #catalog: readonly VoiceCatalogEntry[];
  #floor: VoiceEngineReport | undefined;
  #chosen: Record<VoiceModelKind, string>;
  #hearing: Hearing;
  #speaking: Speaking;
  /** Picks run one at a time, in order. */
  #picks: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(options: EngineSelectionOptions) {
    this.#options = options;
    this.#catalog = options.catalog ?? VOICE_CATALOG;
    this.#chosen = {
      recognizer: options.recognizer ?? AUTOMATIC_CHOICE,
      voice: options.voice ?? AUTOMATIC_CHOICE,
    };
    const waiting = (chosen: string): VoiceEngineChoice => ({
      chosen,
      inUse: 'none',
      inUseName: 'none',
      error: 'Hearth is still looking for its voice engines.',
    });
    this.#hearing = { choice: waiting(this.#chosen.recognizer), engine: 'none' };
    this.#speaking = { choice: waiting(this.#chosen.voice), engine: 'none' };
  }

  get hearing(): Hearing {
    return this.#hearing;
  }

  get speaking(): Speaking {
    return this.#speaking;
  }

  /** The floor engines found at start-up, then a first pick. */
  start(floor: VoiceEngineReport): Promise<void> {
    this.#floor = floor;
    return this.refresh();
  }

  /** Picks both halves again (a model was downloaded or removed). */
  refresh(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#pick('recognizer');
      await this.#pick('voice');
    });
  }

  choose(kind: VoiceModelKind, choice: string): Promise<void> {
    return this.#enqueue(async () => {
      this.#chosen[kind] = choice;
      await this.#pick(kind);
    });
  }

  /** The model in use failed to load: its half is off, with the reason. */
  failed(kind: VoiceModelKind, engine: object, error: Error): void {
    const half = kind === 'recognizer' ? this.#hearing : this.#speaking;
    if (half.sherpa !== engine) return; // Replaced meanwhile.
    const off = {
      chosen: half.choice.chosen,
      inUse: 'none',
      inUseName: 'none',
      error: error.message,
    };
    this.#options.logger.warn('voice_model_failed', { kind, error: error.message });
    if (kind === 'recognizer') this.#hearing = { choice: off, engine: 'none' };
    else this.#speaking = { choice: off, engine: 'none' };
    void half.sherpa?.dispose();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#picks;
    await Promise.all([this.#hearing.sherpa?.dispose(), this.#speaking.sherpa?.dispose()]);
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.#picks.then(async () => {
      if (!this.#disposed && this.#floor) await job();
    });
    this.#picks = next.catch(() => {});
    return next;
  }

  async #pick(kind: VoiceModelKind): Promise<void> {
    const { source, logger, registry, scriptProcesses } = this.#options;
    const chosen = this.#chosen[kind];
    let installed: string[] = [];
    let listError: string | undefined;
    try {
      installed = await source.installedIds();
    } catch (error) {
      listError = `Hearth could not list its voice models: ${(error as Error).message}`;
    }
    let pick = pickEngine(kind, chosen, installed, this.#catalog);
    if (listError && pick.engine !== 'floor') pick = { engine: 'off', error: listError };
    const old = kind === 'recognizer' ? this.#hearing.sherpa : this.#speaking.sherpa;
    const sameModel =
      pick.engine === 'model' &&
      old !== undefined &&
      (kind === 'recognizer' ? this.#hearing : this.#speaking).choice.inUse === pick.entry.id;
    let checked: InstalledVoiceModel | undefined;
    if (pick.engine === 'model') {
      const { entry } = pick;
      try {
        // Checked now, so that Settings says at once when a file is damaged; the
        // engine's probe and load use these files (VoiceService starts the probe).
        checked = await source.verified(entry.id);
      } catch (error) {
        pick = { engine: 'off', error: (error as Error).message };
      }
    }
    const choice = (inUse: string, inUseName: string, error?: string): VoiceEngineChoice => ({
      chosen,
      inUse,
      inUseName,
      ...(error === undefined ? {} : { error }),
    });
    if (sameModel && pick.engine === 'model') {
      const half = kind === 'recognizer' ? this.#hearing : this.#speaking;
      half.choice = { ...half.choice, chosen };
      return;
    }
    // The worker of the engine being replaced stops before the next one can load.
    await old?.dispose();
    const floor = this.#floor as VoiceEngineReport;
    if (kind === 'recognizer') {
      if (pick.engine === 'model') {
        const { entry } = pick;
        const sherpa = new SherpaRecognizer({
          model: () => (checked ? Promise.resolve(checked) : source.verified(entry.id)),
          logger,
          registry,
          scriptProcesses,
        });
        const engine = entry.engine === 'whisper' ? 'whisper' : 'moonshine';
        this.#hearing = { choice: choice(entry.id, entry.displayName), engine, sherpa };
      } else if (pick.engine === 'floor') {
        const error = floorProblem(floor.stt);
        this.#hearing =
          error === undefined
            ? { choice: choice(floorOf(kind), floorOf(kind)), engine: 'pocketsphinx' }
            : { choice: choice('none', 'none', error), engine: 'none' };
      } else {
        this.#hearing = { choice: choice('none', 'none', pick.error), engine: 'none' };
      }
    } else if (pick.engine === 'model' && pick.entry.engine === 'piper') {
      const { entry } = pick;
      const sherpa = new SherpaVoice({
        model: () => (checked ? Promise.resolve(checked) : source.verified(entry.id)),
        entry,
        logger,
        registry,
        scriptProcesses,
      });
      this.#speaking = { choice: choice(entry.id, entry.displayName), engine: 'piper', sherpa };
    } else if (pick.engine === 'floor') {
      const error = floorProblem(floor.tts);
      this.#speaking =
        error === undefined
          ? { choice: choice(floorOf(kind), floorOf(kind)), engine: 'flite' }
          : { choice: choice('none', 'none', error), engine: 'none' };
    } else {
      const error = pick.engine === 'off' ? pick.error : 'That model is not a voice.';
      this.#speaking = { choice: choice('none', 'none', error), engine: 'none' };
    }
    logger.info('voice_engine_picked', { kind, chosen, inUse: this.#current(kind).inUse });
  }

  #current(kind: VoiceModelKind): VoiceEngineChoice {
    return kind === 'recognizer' ? this.#hearing.choice : this.#speaking.choice;
  }
}

/** Why a floor engine cannot be used (with the command that installs it); undefined when it can. */
function floorProblem(engine: { engine: string; error?: string; install?: string }) {
  if (engine.engine !== 'none') return undefined;
  const error = engine.error ?? 'it is not installed';
  return engine.install ? `${error} (install: ${engine.install})` : error;
}
