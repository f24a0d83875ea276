// Tries a model once in a throwaway process before a worker thread loads it:
// sherpa-onnx-node ends the whole process on some bad models (see
// ../workers/sherpaEngine.mjs), and a child's death is only a refusal. The
// child is the worker file itself with --probe and the config as base64 JSON
// (a utility process has no stdin), run by a ScriptProcessPort: Node's
// child_process by default, Electron's utilityProcess in the kiosk.
import { fileURLToPath } from 'node:url';
import type { ScriptProcessPort } from '../../contracts/scriptProcess';
import { nodeScriptProcesses } from '../../threads/nodeScriptProcesses';
import { sherpaProbeOutcome } from './sherpaProtocol';

export interface ProbeOptions {
  /** The worker file to run with --probe. */
  module: URL;
  config: Record<string, unknown>;
  /** How the model is named in the refusal, e.g. "Whisper tiny.en". */
  modelName: string;
  signal?: AbortSignal;
  /** Default 120 s: Whisper base.en takes a few seconds to load on a Pi. */
  timeoutMs?: number;
  /** What runs the throwaway process; default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The probe's arguments: `--probe <config as base64 JSON>` (sherpaEngine.mjs reads them). */
export function probeArgs(config: Record<string, unknown>): string[] {
  return ['--probe', Buffer.from(JSON.stringify(config), 'utf8').toString('base64')];
}

/** Resolves with the voice's sample rate (if any) once the model ran; rejects with one sentence. */
export async function probeSherpaModel(options: ProbeOptions): Promise<{ sampleRate?: number }> {
  const { modelName } = options;
  const refuse = (why: string): Error => new Error(`${modelName} could not be loaded: ${why}.`);
  if (options.signal?.aborted) throw refuse('loading was cancelled');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const processes = options.scriptProcesses ?? nodeScriptProcesses;
  let run;
  try {
    run = await processes.run(fileURLToPath(options.module), probeArgs(options.config), {
      signal: options.signal,
      timeoutMs,
    });
  } catch (error) {
    throw refuse(`the probe could not start (${(error as Error).message})`);
  }
  if (run.ended === 'aborted') throw refuse('loading was cancelled');
  if (run.ended === 'timedOut') throw refuse(`it took over ${Math.round(timeoutMs / 1000)} s`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const parsed = run.code === 0 ? safeJson(line) : undefined;
  const outcome = sherpaProbeOutcome.safeParse(parsed);
  if (outcome.success) {
    if (outcome.data.ok) return { sampleRate: outcome.data.sampleRate };
    throw refuse(cleanNative(outcome.data.message));
  }
  const how = run.signal
    ? `sherpa-onnx crashed (${run.signal})`
    : `sherpa-onnx exited (code ${run.code})`;
  const said = cleanNative(run.stderr.trim().split('\n').pop() ?? '');
  throw refuse(said ? `${how}: ${said}` : how);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A native log line without its source location, and without a final full stop. */
function cleanNative(line: string): string {
  return line
    .replace(/^\S+\.cc:\S+:\d+\s*/, '')
    .replace(/^what\(\):\s*/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 300);
}
