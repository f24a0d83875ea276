// The Node ScriptProcessPort on tiny real scripts: what they print and their
// exit code come back, and one that runs over its time or is aborted is killed.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { MAX_OUTPUT_CHARS } from '../base/scriptRun';
import { nodeScriptProcesses } from './nodeScriptProcesses';

const cleanups = useCleanups();

function script(source: string): string {
  const path = join(cleanups.scratchDir(), 'script.mjs');
  writeFileSync(path, source);
  return path;
}

/** Never ends on its own. */
const HANGS = 'setInterval(() => {}, 1000);';

describe('running a script in a throwaway Node process', () => {
  it('passes its arguments, and returns its exit code, its stderr and the tail of its stdout', async () => {
    const path = script(
      [
        "process.stdout.write('x'.repeat(10000));",
        'process.stdout.write(`\\nargs ${JSON.stringify(process.argv.slice(2))}\\n`);',
        "process.stderr.write('something went wrong\\n');",
        'process.exit(3);',
      ].join('\n'),
    );
    const run = await nodeScriptProcesses.run(path, ['--probe', 'e30='], { timeoutMs: 20_000 });
    expect(run).toMatchObject({ ended: 'exited', code: 3, signal: null });
    expect(run.stdout.endsWith('\nargs ["--probe","e30="]\n')).toBe(true);
    expect(run.stdout).toHaveLength(MAX_OUTPUT_CHARS);
    expect(run.stderr).toBe('something went wrong\n');
  });

  it('kills a script that runs over its time', async () => {
    const run = await nodeScriptProcesses.run(script(HANGS), [], { timeoutMs: 300 });
    expect(run).toMatchObject({ ended: 'timedOut', signal: 'SIGKILL', code: null });
  });

  it('kills a script when its signal aborts, and never starts one already aborted', async () => {
    const controller = new AbortController();
    const running = nodeScriptProcesses.run(script(HANGS), [], {
      timeoutMs: 20_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    expect(await running).toMatchObject({ ended: 'aborted', signal: 'SIGKILL' });

    const marker = join(cleanups.scratchDir(), 'ran');
    const run = await nodeScriptProcesses.run(
      script(
        `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, '');`,
      ),
      [],
      { timeoutMs: 20_000, signal: AbortSignal.abort() },
    );
    expect(run).toMatchObject({ ended: 'aborted', code: null, signal: null });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(marker)).toBe(false);
  });
});
