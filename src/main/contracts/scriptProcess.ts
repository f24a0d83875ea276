// Running one of Hearth's own script files in a throwaway process, for work
// that may take the whole process down with it (a native library that aborts
// on a bad model file). The headless server runs it with Node's child_process
// (threads/nodeScriptProcesses.ts); the packaged kiosk, whose Electron binary
// cannot run as plain Node (its runAsNode fuse is off), with Electron's
// utilityProcess (electron/utilityScriptProcesses.ts).
//
// The process has no stdin (utilityProcess cannot give it one): what it needs
// goes in its arguments.
import type { ScriptRun, ScriptRunOptions } from '../base/scriptRun';

export type { ScriptRun, ScriptRunOptions } from '../base/scriptRun';

export interface ScriptProcessPort {
  /**
   * Runs the script at `modulePath` (a file path) with `args` as
   * process.argv[2...]. Resolves when it has ended, however it ended; rejects
   * only when it could not be started.
   */
  run(modulePath: string, args: readonly string[], options: ScriptRunOptions): Promise<ScriptRun>;
}
