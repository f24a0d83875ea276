// One pocketsphinx_batch kept running with its model loaded (~0.6 s to load),
// fed one utterance at a time. Debian's pocketsphinx 0.8 has no server mode,
// but pocketsphinx_batch reads its control file line by line and flushes one
// hypothesis line per entry, so the control file, the audio and the
// hypotheses are three FIFOs in a private 0700 directory:
//   ctl      we write "utt\n" per utterance (held open read-write, so the
//            process never sees its end until we close it: a clean stop);
//   utt.raw  the utterance's raw 16-bit samples; closing it ends the utterance;
//   hyp      "<words> (utt <score>)" per utterance.
// A FIFO holds its data in kernel memory only: audio is never written to disk.
// FIFOs and not stdio, because Node gives a child sockets, which
// pocketsphinx cannot fopen by name. The process runs in its own process
// group, killed whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { constants, open, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AUDIO_SAMPLE_RATE } from '../../shared/audio';
import { groupGone, VoiceCancelled } from './childProcesses';

const MAX_LINE_BYTES = 64 * 1024;
const OPEN_RETRY_MS = 5;
const STDERR_TAIL_BYTES = 2048;
const HYP_LINE = /^(.*?) ?\(utt -?\d+\)$/;

/** The process exited by itself before it had heard the utterance. */
export class PocketsphinxDied extends Error {
  override name = 'PocketsphinxDied';
}

export interface PocketsphinxModelFiles {
  hmm: string;
  lm: string;
  dict: string;
}

export class PocketsphinxProcess {
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly #ctl: Socket;
  readonly #hyp: Socket;
  readonly #exited: Promise<void>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #stderrTail = '';
  #line = '';
  #onLine: ((line: string) => void) | undefined;
  #onExit: (() => void) | undefined;
  #busy = false;
  #killed = false;

  private constructor(
    dir: string,
    program: string,
    model: PocketsphinxModelFiles,
    env?: NodeJS.ProcessEnv,
  ) {
    this.#dir = dir;
    // Read-write opens of a FIFO never block (Linux) and keep it from reaching its end.
    this.#ctl = new Socket({
      fd: openSync(join(dir, 'ctl'), constants.O_RDWR | constants.O_NONBLOCK),
      readable: false,
      writable: true,
    });
    this.#hyp = new Socket({
      fd: openSync(join(dir, 'hyp'), constants.O_RDWR | constants.O_NONBLOCK),
      readable: true,
      writable: false,
    });
    this.#ctl.on('error', () => {});
    this.#hyp.on('error', () => {});
    this.#hyp.on('data', (chunk: Buffer) => this.#read(chunk.toString('utf8')));
    this.#child = spawn(
      program,
      [
        '-ctl',
        join(dir, 'ctl'),
        '-adcin',
        'yes',
        '-cepdir',
        dir,
        '-cepext',
        '.raw',
        '-hyp',
        join(dir, 'hyp'),
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
      // A new process group (and session), whose id is the child's pid.
      { env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    this.#child.on('error', () => {});
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    this.#exited = new Promise<void>((resolve) => {
      this.#child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        this.#closeFifos();
        this.#onExit?.();
        void rm(this.#dir, { recursive: true, force: true }).finally(resolve);
      });
    });
  }

  /** Starts pocketsphinx_batch (`program`, a path) on `model`; it loads the model in the background. */
  static async start(
    program: string,
    model: PocketsphinxModelFiles,
    env?: NodeJS.ProcessEnv,
  ): Promise<PocketsphinxProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-pocketsphinx-'));
    try {
      await promisify(execFile)('mkfifo', [
        '-m',
        '600',
        join(dir, 'ctl'),
        join(dir, 'utt.raw'),
        join(dir, 'hyp'),
      ]);
      return new PocketsphinxProcess(dir, program, model, env);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The process's pid, which is also its process group's id; undefined once it has exited. */
  get pid(): number | undefined {
    return this.#exit === undefined ? this.#child.pid : undefined;
  }

  get alive(): boolean {
    return this.#exit === undefined && !this.#killed;
  }

  /** The FIFOs' directory, gone once the process has exited. */
  get dir(): string {
    return this.#dir;
  }

  /**
   * The words pocketsphinx hears in `bytes` (raw 16-bit little-endian samples).
   * One utterance at a time. Abort and timeout kill the process (the caller
   * starts another); the call settles once it has exited.
   */
  async decode(
    bytes: Uint8Array,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<string> {
    if (this.#busy) throw new Error('pocketsphinx is already decoding an utterance');
    if (!this.alive) throw new Error('pocketsphinx has exited');
    this.#busy = true;
    let failure: Error | undefined;
    const stop = (why: Error): void => {
      failure ??= why;
      void this.kill();
    };
    const onAbort = (): void => stop(new VoiceCancelled('pocketsphinx was cancelled'));
    const timer = setTimeout(
      () => stop(new Error(`pocketsphinx took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const line = new Promise<string | undefined>((resolve) => {
        this.#onLine = resolve;
        this.#onExit = () => resolve(undefined);
      });
      this.#ctl.write('utt\n');
      await this.#writeUtterance(bytes, () => failure !== undefined);
      const heard = await line;
      if (failure !== undefined) {
        await this.#exited;
        throw failure;
      }
      if (heard === undefined) {
        // Killed by its owner (dispose) rather than dying by itself.
        if (this.#killed) throw new VoiceCancelled('pocketsphinx: disposed');
        throw new PocketsphinxDied(this.#exitMessage());
      }
      const match = HYP_LINE.exec(heard);
      if (!match)
        throw new Error(
          `pocketsphinx wrote a line that is not a hypothesis: ${heard.slice(0, 160)}`,
        );
      return (match[1] ?? '').trim();
    } catch (error) {
      if (failure !== undefined) {
        await this.#exited;
        throw failure;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.#onLine = undefined;
      this.#onExit = undefined;
      this.#busy = false;
    }
  }

  /** Ends the process cleanly (the end of its control file), killing it if it lingers. */
  async stop(): Promise<void> {
    this.#ctl.end();
    const lingering = setTimeout(() => void this.kill(), 2000);
    await this.#exited;
    clearTimeout(lingering);
  }

  /** Kills the process group; resolves once it has gone and its FIFOs are removed. */
  async kill(): Promise<void> {
    this.#killed = true;
    const pid = this.#child.pid;
    if (this.#exit === undefined && pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group has already gone.
      }
      await groupGone(pid);
    }
    await this.#exited;
  }

  /** Opens the audio FIFO once pocketsphinx has (it does after reading the ctl line) and writes the utterance. */
  async #writeUtterance(bytes: Uint8Array, givenUp: () => boolean): Promise<void> {
    const path = join(this.#dir, 'utt.raw');
    for (;;) {
      if (givenUp() || this.#exit !== undefined) return;
      try {
        // A plain fd, not a FileHandle: the socket owns and closes it.
        const fd = await promisify(open)(path, constants.O_WRONLY | constants.O_NONBLOCK);
        const audio = new Socket({ fd, readable: false, writable: true });
        await new Promise<void>((resolve) => {
          // EPIPE: the process died; its exit says why.
          audio.once('error', () => resolve());
          audio.end(bytes, () => resolve());
        });
        audio.destroy();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
        // No reader yet: still loading the model, or reading the ctl line.
        await new Promise<void>((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
      }
    }
  }

  #read(text: string): void {
    this.#line += text;
    for (let end = this.#line.indexOf('\n'); end >= 0; end = this.#line.indexOf('\n')) {
      const line = this.#line.slice(0, end);
      this.#line = this.#line.slice(end + 1);
      this.#onLine?.(line);
    }
    if (this.#line.length > MAX_LINE_BYTES) {
      this.#line = '';
      void this.kill();
    }
  }

  #exitMessage(): string {
    const how = this.#exit?.code ?? this.#exit?.signal ?? 'unknown';
    const tail = this.#stderrTail.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    return `pocketsphinx exited (${how})${tail ? `: ${tail}` : ''}; run pocketsphinx_continuous -infile FILE.wav by hand to see its log`;
  }

  #closeFifos(): void {
    this.#ctl.destroy();
    this.#hyp.destroy();
  }
}
