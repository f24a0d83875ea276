// ScriptProcessPort with Node's child_process: this same runtime's binary runs
// the script. Under Electron that needs ELECTRON_RUN_AS_NODE, which a binary
// with its runAsNode fuse off ignores, so the packaged kiosk uses
// electron/utilityScriptProcesses.ts instead; `npm run serve`, tests and an
// unfused `electron .` use this one.
import { spawn } from 'node:child_process';
import { superviseScript } from '../base/scriptRun';
import type { ScriptProcessPort } from '../contracts/scriptProcess';

export const nodeScriptProcesses: ScriptProcessPort = {
  run(modulePath, args, options) {
    return superviseScript(options, (events) => {
      const child = spawn(process.execPath, [modulePath, ...args], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.on('error', (error) => events.failed(error));
      // 'close', not 'exit': it comes once stdout and stderr are read to their end.
      child.on('close', (code, signal) => events.exited(code, signal));
      return { stdout: child.stdout, stderr: child.stderr, kill: () => child.kill('SIGKILL') };
    });
  },
};
