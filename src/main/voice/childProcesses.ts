// The external programs the voice floor runs (pocketsphinx, flite), each one
// owned until it has exited: input goes in on stdin, output is read from
// stdout up to a limit, and the child is killed on timeout, on abort and on
// dispose. A call settles only after its child has exited and been reaped, so
// when a cancelled call rejects, its process is gone. Each child runs in a
// process group of its own, killed as a whole: the programs run as shell
// pipelines (see flite.ts and pocketsphinx.ts), and no process of a pipeline
// may outlive it.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** A program or its data is not installed; the message says what to install. */
export class VoiceEngineMissing extends Error {
  override name = 'VoiceEngineMissing';
}

/** The call was cancelled by its AbortSignal, or its owner was disposed. */
export class VoiceCancelled extends Error {
  override name = 'AbortError';
}

export interface RunOptions {
  /** The program's name for messages, e.g. 'pocketsphinx'. */
  name: string;
  command: string;
  args: string[];
  /** Written to the child's stdin, which is then closed. */
  input?: Uint8Array;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
  /** More output than this is an error (and the child is killed). */
  maxOutputBytes: number;
  /** How to install the program, e.g. 'sudo apt install flite'. */
  installHint: string;
}

export interface RunResult {
  stdout: Buffer;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what the child wrote to stderr, for error messages; never logged as it comes. */
  stderrTail: string;
}

const STDERR_TAIL_BYTES = 2048;

export class ChildProcesses {
  /** Running children by pid: how to kill one, and its exit. */
  readonly #live = new Map<number, { kill: () => void; exited: Promise<void> }>();
  #disposed = false;

  /** Pids of the children running now. */
  pids(): number[] {
    return [...this.#live.keys()];
  }

  run(options: RunOptions): Promise<RunResult> {
    if (this.#disposed) return Promise.reject(new VoiceCancelled(`${options.name}: disposed`));
    if (options.signal?.aborted) {
      return Promise.reject(new VoiceCancelled(`${options.name} was cancelled`));
    }
    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(options.command, options.args, {
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // A new process group (and session), whose id is the child's pid.
        detached: true,
      });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderrTail = Buffer.alloc(0);
      let failure: Error | undefined;
      let settled = false;

      let killed = false;
      const kill = (why: Error): void => {
        failure ??= why;
        killed = true;
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group has already gone.
        }
      };
      const onAbort = (): void => kill(new VoiceCancelled(`${options.name} was cancelled`));
      const timer = setTimeout(
        () => kill(new Error(`${options.name} took longer than ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const pid = child.pid;
      let exited: () => void = () => {};
      if (pid !== undefined) {
        this.#live.set(pid, {
          kill: () => kill(new VoiceCancelled(`${options.name}: disposed`)),
          exited: new Promise<void>((resolve) => (exited = resolve)),
        });
      }

      const finish = (error: Error | undefined, result?: RunResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (pid !== undefined) this.#live.delete(pid);
        exited();
        if (error) reject(error);
        else if (result) resolve(result);
      };

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          finish(
            new VoiceEngineMissing(
              `${options.name} is not installed (${options.command} was not found on PATH); install it with: ${options.installHint}`,
            ),
          );
        } else if (pid === undefined) {
          finish(new Error(`${options.name} could not be started: ${error.message}`));
        } else {
          failure ??= new Error(`${options.name} failed: ${error.message}`);
        }
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdoutBytes += chunk.length;
        if (stdoutBytes > options.maxOutputBytes) {
          kill(new Error(`${options.name} wrote more than ${options.maxOutputBytes} bytes`));
          return;
        }
        stdout.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderrTail = Buffer.concat([stderrTail, chunk]).subarray(-STDERR_TAIL_BYTES);
      });
      // A child that exits without reading all its input must not crash Hearth (EPIPE).
      child.stdin.on('error', () => {});
      child.on('close', (code, signal) => {
        const result = {
          stdout: Buffer.concat(stdout),
          code,
          signal,
          stderrTail: stderrTail.toString('utf8'),
        };
        // The shell is reaped, but a killed pipeline's processes may still be dying.
        if (killed && pid !== undefined) {
          void groupGone(pid).then(() => finish(failure, result));
        } else {
          finish(failure, result);
        }
      });
      child.stdin.end(options.input ?? new Uint8Array(0));
    });
  }

  /** Kills every running child; later calls are refused. Resolves once they have exited. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const children = [...this.#live.values()];
    for (const child of children) child.kill();
    await Promise.all(children.map((child) => child.exited));
  }
}

const GROUP_EXIT_WAIT_MS = 2000;

/**
 * Resolves once no process of group `pgid` is running (zombies waiting for
 * init to reap them count as gone), or after GROUP_EXIT_WAIT_MS.
 */
export async function groupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + GROUP_EXIT_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return; // ESRCH: the group is empty.
    }
    if (!(await groupHasLiving(pgid))) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** Whether /proc shows a process of group `pgid` that is not a zombie. */
async function groupHasLiving(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return false; // No /proc: kill(-pgid, 0) is all there is to go by.
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state, ppid, pgrp.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
    } catch {
      // It exited while we looked.
    }
  }
  return false;
}
