// The utilityProcess ScriptProcessPort over a stand-in for Electron's
// UtilityProcess that behaves as Electron's does (lib/browser/api/utility-process.ts):
// on 'exit' it removes every listener from the child's stdout and stderr.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ForkUtility, UtilityChild } from './utilityScriptProcesses';
import { utilityScriptProcesses } from './utilityScriptProcesses';

class FakeUtilityProcess extends EventEmitter implements UtilityChild {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  kills = 0;

  kill(): boolean {
    this.kills++;
    setImmediate(() => this.exit(9));
    return true;
  }

  /** As Electron does: 'exit', then the output streams lose their listeners. */
  exit(code: number): void {
    this.emit('exit', code);
    this.stdout.removeAllListeners();
    this.stderr.removeAllListeners();
  }
}

function forking() {
  const forked: { child: FakeUtilityProcess; args: unknown[] }[] = [];
  const fork: ForkUtility = (...args) => {
    const child = new FakeUtilityProcess();
    forked.push({ child, args });
    return child;
  };
  return { forked, processes: utilityScriptProcesses(fork) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('running a script in an Electron utility process', () => {
  it('keeps the output that arrives after Electron reports the exit, with the exit code', async () => {
    const { forked, processes } = forking();
    const running = processes.run('/app/workers/recognizer.js', ['--probe', 'e30='], {
      timeoutMs: 20_000,
    });
    const [only] = forked;
    if (!only) throw new Error('nothing was forked');
    expect(only.args).toEqual([
      '/app/workers/recognizer.js',
      ['--probe', 'e30='],
      { stdio: 'pipe', serviceName: 'Hearth recognizer.js' },
    ]);
    const { child } = only;
    child.stdout.write('loading\n');
    child.stderr.write('a warning\n');
    await tick();
    child.exit(0);
    // Still in the pipe when the exit was reported (here even written before Electron is done).
    child.stdout.end('{"ok":true}\n');
    child.stderr.end();
    expect(await running).toEqual({
      ended: 'exited',
      code: 0,
      signal: null,
      stdout: 'loading\n{"ok":true}\n',
      stderr: 'a warning\n',
    });
  });

  it('kills the utility process when the signal aborts, and says a fatal V8 error on stderr', async () => {
    const { forked, processes } = forking();
    const controller = new AbortController();
    const running = processes.run('/app/workers/tts.js', [], {
      timeoutMs: 20_000,
      signal: controller.signal,
    });
    const child = forked[0]?.child as FakeUtilityProcess;
    child.emit('error', 'FatalError', 'v8::Object::New');
    controller.abort();
    child.stdout.end();
    child.stderr.end();
    const run = await running;
    expect(child.kills).toBe(1);
    expect(run).toMatchObject({ ended: 'aborted', code: 9, signal: null });
    expect(run.stderr).toBe('FatalError at v8::Object::New\n');
  });

  it('rejects with the reason when Electron cannot fork', async () => {
    const processes = utilityScriptProcesses(() => {
      throw new Error('utilityProcess.fork can only be called after app is ready');
    });
    await expect(processes.run('/app/workers/tts.js', [], { timeoutMs: 1000 })).rejects.toThrow(
      'utilityProcess.fork can only be called after app is ready',
    );
  });
});
