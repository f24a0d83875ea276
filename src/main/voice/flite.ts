// Text to speech with no download: flite (the Debian package) speaks one
// sentence at a time with its built-in "slt" voice, which is 16 kHz, straight
// into a pipe: no file is written.
//
// flite can only write to a path. `-o /dev/stdout` works when its stdout is a
// pipe, but Node gives a child a socket, which cannot be opened by path (flite
// then writes nothing). So flite runs in `sh -c 'flite … | cat'`, whose pipe
// is a real one, in a process group of its own that a cancel kills whole.
// The sentence goes on the command line (-t): a text file read by flite (-f)
// is split into several utterances that flite appends to its output file by
// re-opening and reading it, and a pipe cannot be read back (measured: it
// hangs). speakable.ts keeps sentences short, well under the kernel's limit on
// one argument.
import { AUDIO_SAMPLE_RATE } from '../../shared/audio';
import { ChildProcesses, VoiceEngineMissing } from './childProcesses';
import { findOnPath } from './findOnPath';
import { parseWav } from './wav';

export const FLITE_INSTALL_HINT = 'sudo apt install flite';
/** Longest text one call speaks; longer text is an error (split it into sentences first). */
export const FLITE_MAX_CHARS = 2000;
export const SPEAKING_RATE_MIN = 0.5;
export const SPEAKING_RATE_MAX = 2;

export interface FliteOptions {
  /** The environment flite runs with; its PATH is where flite is looked for. */
  env?: NodeJS.ProcessEnv;
  /** Default 'flite'. */
  command?: string;
  /** A 16 kHz voice built into flite. Default 'slt'. */
  voice?: string;
}

export interface SpeakOptions {
  signal?: AbortSignal;
  /** 1 is flite's own pace, 1.25 a quarter faster; from 0.5 to 2. */
  rate?: number;
  /** Default 15 s. */
  timeoutMs?: number;
}

const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export class Flite {
  readonly #options: FliteOptions;
  readonly #children = new ChildProcesses();

  constructor(options: FliteOptions = {}) {
    this.#options = options;
  }

  /**
   * One sentence as 16 kHz mono PCM; an empty text is no audio. Rejects with
   * VoiceEngineMissing (naming the apt package) when flite is not installed,
   * and with VoiceCancelled when the signal aborts (after flite has exited).
   */
  async speak(text: string, options: SpeakOptions = {}): Promise<Int16Array> {
    // Control characters mean nothing spoken; flite may read some as commands.
    const sentence = text
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (sentence === '') return new Int16Array(0);
    if (sentence.length > FLITE_MAX_CHARS) {
      throw new RangeError(
        `flite speaks at most ${FLITE_MAX_CHARS} characters at once, not ${sentence.length}`,
      );
    }
    const rate = options.rate ?? 1;
    if (!Number.isFinite(rate) || rate < SPEAKING_RATE_MIN || rate > SPEAKING_RATE_MAX) {
      throw new RangeError(
        `speaking rate must be from ${SPEAKING_RATE_MIN} to ${SPEAKING_RATE_MAX}, not ${rate}`,
      );
    }
    const voice = this.#options.voice ?? 'slt';
    const command = this.#options.command ?? 'flite';
    // The shell would only say "not found" on stderr; look first.
    const program = await findOnPath(command, this.#options.env);
    if (program === undefined) {
      throw new VoiceEngineMissing(
        `flite is not installed (${command} was not found on PATH); install it with: ${FLITE_INSTALL_HINT}`,
      );
    }
    const result = await this.#children.run({
      name: 'flite',
      command: '/bin/sh',
      args: [
        '-c',
        '"$0" "$@" -o /dev/stdout | /bin/cat',
        program,
        '-voice',
        voice,
        '--setf',
        `duration_stretch=${(1 / rate).toFixed(3)}`,
        '-t',
        sentence,
      ],
      env: this.#options.env,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 15_000,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      installHint: FLITE_INSTALL_HINT,
    });
    if (result.code !== 0) {
      const detail = result.stderrTail.trim().split('\n').pop() ?? '';
      throw new Error(
        `flite failed (exit ${result.code ?? result.signal}${detail ? `: ${detail}` : ''})`,
      );
    }
    const audio = parseWav(result.stdout);
    if (audio.sampleRate !== AUDIO_SAMPLE_RATE) {
      throw new Error(
        `flite's voice "${voice}" speaks at ${audio.sampleRate} Hz, not ${AUDIO_SAMPLE_RATE}: choose a 16 kHz voice such as slt`,
      );
    }
    return audio.pcm;
  }

  /** Pids of flite processes running now. */
  pids(): number[] {
    return this.#children.pids();
  }

  /** Kills any flite still speaking; later calls are refused. */
  dispose(): Promise<void> {
    return this.#children.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
