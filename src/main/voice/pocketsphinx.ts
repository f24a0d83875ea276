// Speech to text with no download: pocketsphinx 0.8 (Debian's pocketsphinx and
// pocketsphinx-en-us), less accurate than a downloaded model but always there.
// One pocketsphinx_batch per recognizer stays running with its model loaded
// (pocketsphinxProcess.ts says how it is fed), so only the first utterance
// pays for loading it; one that dies is replaced on the next utterance, and
// one left unused for idleMs is stopped so it does not hold ~100 MB.
import { access } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { AUDIO_SAMPLE_RATE } from '../../shared/audio';
import { VoiceCancelled, VoiceEngineMissing } from './childProcesses';
import { findOnPath } from './findOnPath';
import { PocketsphinxDied, PocketsphinxProcess } from './pocketsphinxProcess';

export const POCKETSPHINX_INSTALL_HINT = 'sudo apt install pocketsphinx pocketsphinx-en-us';
/** Where pocketsphinx-en-us puts the US English model. */
export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** The environment it runs with; its PATH is where pocketsphinx_batch is looked for. */
  env?: NodeJS.ProcessEnv;
  /** Default 'pocketsphinx_batch'. */
  command?: string;
  /** How long the process outlives its last utterance; default two minutes. */
  idleMs?: number;
  /** Default POCKETSPHINX_MODEL_DIR. */
  modelDir?: string;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** Default 10 s plus twice the audio's length. */
  timeoutMs?: number;
}

/** The acoustic model, language model and dictionary pocketsphinx-en-us installs. */
export function pocketsphinxModel(dir: string = POCKETSPHINX_MODEL_DIR): {
  hmm: string;
  lm: string;
  dict: string;
} {
  return {
    hmm: join(dir, 'en-us'),
    lm: join(dir, 'en-us.lm.bin'),
    dict: join(dir, 'cmudict-en-us.dict'),
  };
}

/** The first file of the model in `dir` that is missing; undefined when it is all there. */
export async function missingPocketsphinxModelFile(
  dir: string = POCKETSPHINX_MODEL_DIR,
): Promise<string | undefined> {
  const model = pocketsphinxModel(dir);
  for (const file of [join(model.hmm, 'mdef'), model.lm, model.dict]) {
    try {
      await access(file);
    } catch {
      return file;
    }
  }
  return undefined;
}

const DEFAULT_IDLE_MS = 120_000;

export class Pocketsphinx {
  readonly #options: PocketsphinxOptions;
  #process: PocketsphinxProcess | undefined;
  /** The utterance being decoded: the next waits for it. */
  #turn: Promise<unknown> = Promise.resolve();
  #idleTimer: NodeJS.Timeout | undefined;
  /** Idle processes being stopped. */
  readonly #retiring = new Set<PocketsphinxProcess>();
  #disposed = false;

  constructor(options: PocketsphinxOptions = {}) {
    this.#options = options;
  }

  /**
   * The words in one utterance of 16 kHz mono PCM; '' when it heard none.
   * Rejects with VoiceEngineMissing (naming the apt packages) when
   * pocketsphinx or its model is not installed, and with VoiceCancelled when
   * the signal aborts (after the process has exited).
   */
  transcribe(pcm: Int16Array, options: TranscribeOptions = {}): Promise<{ text: string }> {
    const turn = this.#turn.then(() => this.#transcribe(pcm, options));
    this.#turn = turn.catch(() => {});
    return turn;
  }

  async #transcribe(pcm: Int16Array, options: TranscribeOptions): Promise<{ text: string }> {
    if (this.#disposed) throw new VoiceCancelled('pocketsphinx: disposed');
    if (options.signal?.aborted) throw new VoiceCancelled('pocketsphinx was cancelled');
    clearTimeout(this.#idleTimer);
    try {
      const audioMs = (pcm.length * 1000) / AUDIO_SAMPLE_RATE;
      const timeoutMs = options.timeoutMs ?? 10_000 + 2 * audioMs;
      // A process that died while idle (killed, out of memory) is replaced once.
      for (let attempt = 1; ; attempt++) {
        const process = await this.#running();
        if (pcm.length === 0) return { text: '' };
        try {
          return { text: await process.decode(littleEndianBytes(pcm), options.signal, timeoutMs) };
        } catch (error) {
          if (!(error instanceof PocketsphinxDied) || attempt > 1) throw error;
        }
      }
    } finally {
      this.#idleTimer = setTimeout(
        () => void this.#stopIdle(),
        this.#options.idleMs ?? DEFAULT_IDLE_MS,
      );
      this.#idleTimer.unref();
    }
  }

  /** The live process, started (after checking the program and model are there) if there is none. */
  async #running(): Promise<PocketsphinxProcess> {
    if (this.#process?.alive) return this.#process;
    const command = this.#options.command ?? 'pocketsphinx_batch';
    const program = await findOnPath(command, this.#options.env);
    if (program === undefined) {
      throw new VoiceEngineMissing(
        `pocketsphinx is not installed (${command} was not found on PATH); install it with: ${POCKETSPHINX_INSTALL_HINT}`,
      );
    }
    const modelDir = this.#options.modelDir ?? POCKETSPHINX_MODEL_DIR;
    const missing = await missingPocketsphinxModelFile(modelDir);
    if (missing !== undefined) {
      throw new VoiceEngineMissing(
        `the pocketsphinx English model is missing (${missing}); install it with: ${POCKETSPHINX_INSTALL_HINT}`,
      );
    }
    if (this.#disposed) throw new VoiceCancelled('pocketsphinx: disposed');
    const started = await PocketsphinxProcess.start(
      program,
      pocketsphinxModel(modelDir),
      this.#options.env,
    );
    if (this.#disposed) {
      await started.kill();
      throw new VoiceCancelled('pocketsphinx: disposed');
    }
    this.#process = started;
    return started;
  }

  async #stopIdle(): Promise<void> {
    const idle = this.#process;
    if (idle === undefined) return;
    this.#process = undefined;
    this.#retiring.add(idle);
    await idle.stop();
    this.#retiring.delete(idle);
  }

  /** Pids of the pocketsphinx processes running now (each also its process group's id). */
  pids(): number[] {
    return [this.#process, ...this.#retiring].flatMap((p) => (p?.pid === undefined ? [] : [p.pid]));
  }

  /** Kills the process and any transcription still running; later calls are refused. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#idleTimer);
    const processes = [this.#process, ...this.#retiring];
    this.#process = undefined;
    await Promise.all(processes.map((p) => p?.kill()));
    await this.#turn;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** The samples as the raw bytes pocketsphinx reads: 16-bit little-endian. */
function littleEndianBytes(pcm: Int16Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true);
  return bytes;
}
