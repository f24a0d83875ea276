// ScriptProcessPort with Electron's utilityProcess: the packaged kiosk's
// binary has its runAsNode fuse off, so it cannot spawn itself as plain Node
// (threads/nodeScriptProcesses.ts); a utility process is Chromium's own child
// with Node in it, and works with every fuse. It has no stdin, and reports an
// exit code but never a signal.
//
// Electron drops a utility process's output streams when it reports the exit
// (it removes every listener from them), yet the last lines written before the
// exit may still be in the pipe then. So the output is relayed through streams
// of our own: at the exit the relay pauses Electron's streams (what arrives is
// kept), listens again once Electron is done, and the run ends when both pipes
// have ended (or OUTPUT_GRACE_MS after the exit, whichever is first).
import { basename } from 'node:path';
import { PassThrough } from 'node:stream';
import { superviseScript } from '../base/scriptRun';
import type { ScriptProcessPort } from '../contracts/scriptProcess';

/** What of Electron's UtilityProcess this uses (tests stand in for it). */
export interface UtilityChild {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  once(event: 'exit', listener: (code: number) => void): unknown;
  /** A fatal V8 error in the child; 'exit' follows. */
  on(event: 'error', listener: (type: string, location: string) => void): unknown;
}

/** Electron's utilityProcess.fork, as this calls it. */
export type ForkUtility = (
  modulePath: string,
  args: string[],
  options: { stdio: 'pipe'; serviceName: string },
) => UtilityChild;

/** How long, after the exit, output still in the pipes is waited for. */
export const OUTPUT_GRACE_MS = 1000;

export function utilityScriptProcesses(fork: ForkUtility): ScriptProcessPort {
  return {
    run(modulePath, args, options) {
      return superviseScript(options, (events) => {
        const child = fork(modulePath, [...args], {
          stdio: 'pipe',
          // How app.getAppMetrics() and 'child-process-gone' name it.
          serviceName: `Hearth ${basename(modulePath)}`,
        });
        const stdout = relay(child.stdout);
        const stderr = relay(child.stderr);
        child.on('error', (type, location) => stderr.note(`${type} at ${location}`));
        child.once('exit', (code) => {
          // Electron removes the listeners right after this handler returns.
          stdout.hold();
          stderr.hold();
          queueMicrotask(() => {
            stdout.listenAgain();
            stderr.listenAgain();
          });
          const done = (): void => {
            clearTimeout(grace);
            stdout.end();
            stderr.end();
            events.exited(code, null);
          };
          const grace = setTimeout(done, OUTPUT_GRACE_MS);
          void Promise.all([stdout.ended, stderr.ended]).then(done);
        });
        return { stdout: stdout.stream, stderr: stderr.stream, kill: () => void child.kill() };
      });
    },
  };
}

interface Relay {
  /** What the supervisor reads. */
  stream: PassThrough;
  /** Resolves when Electron's stream has ended (at once when there is none). */
  ended: Promise<void>;
  /** Keeps what arrives until listenAgain(). */
  hold(): void;
  listenAgain(): void;
  /** Adds a line of our own (ignored once ended). */
  note(line: string): void;
  end(): void;
}

function relay(theirs: NodeJS.ReadableStream | null): Relay {
  const stream = new PassThrough();
  let finish: () => void = () => {};
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let finished = false;
  const end = (): void => {
    if (finished) return;
    finished = true;
    stream.end();
    finish();
  };
  const onData = (chunk: string | Buffer): void => void stream.write(chunk);
  const listen = (): void => {
    if (!theirs || finished) return;
    if (!theirs.listeners('data').includes(onData)) {
      theirs.on('data', onData);
      theirs.once('end', end);
      theirs.once('error', end);
    }
    theirs.resume();
  };
  listen();
  if (!theirs) end();
  return {
    stream,
    ended,
    hold: () => void theirs?.pause(),
    listenAgain: listen,
    note: (line) => {
      if (!finished) stream.write(`${line}\n`);
    },
    end,
  };
}
