// One run of a script in a throwaway process, whatever starts it (Node's
// child_process or Electron's utilityProcess): its output is kept (the tail of
// each stream), a timeout or an abort kills it, and the run ends once it has
// exited and its output is read. The implementations of ScriptProcessPort
// (src/main/contracts/scriptProcess.ts) differ only in how they start and end
// the process.

/** How a run ended, with what it printed. */
export interface ScriptRun {
  /** 'exited' on its own; otherwise it was killed because it ran over its time or was aborted. */
  ended: 'exited' | 'timedOut' | 'aborted';
  /** Its exit code, when it exited with one. */
  code: number | null;
  /** The signal that ended it, when the runtime reports one (Node does, Electron does not). */
  signal: string | null;
  /** The last MAX_OUTPUT_CHARS of what it wrote to stdout and to stderr. */
  stdout: string;
  stderr: string;
}

export interface ScriptRunOptions {
  /** Aborting kills the process; a signal aborted already means it never starts. */
  signal?: AbortSignal;
  /** It is killed after this long. */
  timeoutMs: number;
}

/** Output beyond this (per stream) is dropped from the front: a run is judged by its end. */
export const MAX_OUTPUT_CHARS = 4096;

/** A process that was started, as superviseScript() sees it. */
export interface StartedScript {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  /** Ends it now; its exit is still reported through `exited`. */
  kill(): void;
}

export interface ScriptEvents {
  /** It ended and its output was all read. Called once; later calls are ignored. */
  exited(code: number | null, signal: string | null): void;
  /** It could not be started (the implementation still reports its exit). */
  failed(error: Error): void;
}

/**
 * Runs `start` under a timeout and an abort signal. Rejects only when the
 * process could not be started (with that error).
 */
export function superviseScript(
  options: ScriptRunOptions,
  start: (events: ScriptEvents) => StartedScript,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ ended: 'aborted', code: null, signal: null, stdout: '', stderr: '' });
      return;
    }
    let stdout = '';
    let stderr = '';
    let stopped: 'timedOut' | 'aborted' | undefined;
    let startError: Error | undefined;
    let settled = false;
    let child: StartedScript | undefined;
    const stop = (why: 'timedOut' | 'aborted'): void => {
      stopped ??= why;
      child?.kill();
    };
    const timer = setTimeout(() => stop('timedOut'), options.timeoutMs);
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const events: ScriptEvents = {
      exited(code, signal) {
        if (!settle()) return;
        // The first reason wins: a process killed for its time is that, whatever followed.
        if (startError && !stopped) reject(startError);
        else resolve({ ended: stopped ?? 'exited', code, signal, stdout, stderr });
      },
      failed(error) {
        startError ??= error;
      },
    };
    try {
      child = start(events);
    } catch (error) {
      settle();
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      stdout = (stdout + text).slice(-MAX_OUTPUT_CHARS);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_OUTPUT_CHARS);
    });
  });
}
