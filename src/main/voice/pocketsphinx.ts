// Speech to text with no download: pocketsphinx 0.8 (Debian's pocketsphinx and
// pocketsphinx-en-us), less accurate than a downloaded model but always there.
// The utterance goes to pocketsphinx_continuous on stdin as raw 16 kHz 16-bit
// samples (-infile /dev/stdin: 0.8 reads a file without a .wav name as raw),
// so audio is never written to disk. Its log goes to /dev/null; the words
// come on stdout, one line per utterance it found.
//
// /dev/stdin can be opened only when it is a pipe, and Node gives a child a
// socket; so pocketsphinx runs in `sh -c 'cat | pocketsphinx_continuous …'`,
// whose pipe is a real one, in a process group of its own that a cancel kills
// whole. The shell's exit status is pocketsphinx's, the last in the pipeline.
import { access } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { AUDIO_SAMPLE_RATE } from '../../shared/audio';
import { ChildProcesses, VoiceEngineMissing } from './childProcesses';
import { findOnPath } from './findOnPath';

export const POCKETSPHINX_INSTALL_HINT = 'sudo apt install pocketsphinx pocketsphinx-en-us';
/** Where pocketsphinx-en-us puts the US English model. */
export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** The environment it runs with; its PATH is where pocketsphinx_continuous is looked for. */
  env?: NodeJS.ProcessEnv;
  /** Default 'pocketsphinx_continuous'. */
  command?: string;
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

const MAX_OUTPUT_BYTES = 64 * 1024;

export class Pocketsphinx {
  readonly #options: PocketsphinxOptions;
  readonly #children = new ChildProcesses();

  constructor(options: PocketsphinxOptions = {}) {
    this.#options = options;
  }

  /**
   * The words in one utterance of 16 kHz mono PCM; '' when it heard none.
   * Rejects with VoiceEngineMissing (naming the apt packages) when
   * pocketsphinx or its model is not installed, and with VoiceCancelled when
   * the signal aborts (after the process has exited).
   */
  async transcribe(pcm: Int16Array, options: TranscribeOptions = {}): Promise<{ text: string }> {
    const command = this.#options.command ?? 'pocketsphinx_continuous';
    // The shell would only say "not found" on stderr; look first.
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
    if (pcm.length === 0) return { text: '' };
    const model = pocketsphinxModel(modelDir);
    const audioMs = (pcm.length * 1000) / AUDIO_SAMPLE_RATE;
    const result = await this.#children.run({
      name: 'pocketsphinx',
      command: '/bin/sh',
      args: [
        '-c',
        '/bin/cat | "$0" "$@"',
        program,
        '-infile',
        '/dev/stdin',
        '-logfn',
        '/dev/null',
        '-samprate',
        String(AUDIO_SAMPLE_RATE),
        '-hmm',
        model.hmm,
        '-lm',
        model.lm,
        '-dict',
        model.dict,
      ],
      input: littleEndianBytes(pcm),
      env: this.#options.env,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 10_000 + 2 * audioMs,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      installHint: POCKETSPHINX_INSTALL_HINT,
    });
    if (result.code !== 0) {
      throw new Error(
        `pocketsphinx failed (exit ${result.code ?? result.signal}); run pocketsphinx_continuous -infile FILE.wav by hand to see its log`,
      );
    }
    const text = result.stdout
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join(' ');
    return { text };
  }

  /** Pids of pocketsphinx processes running now. */
  pids(): number[] {
    return this.#children.pids();
  }

  /** Kills any transcription still running; later calls are refused. */
  dispose(): Promise<void> {
    return this.#children.dispose();
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
