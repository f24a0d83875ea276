// Which voice engines are here, found once at start-up: the Silero VAD model
// (present and the pinned one) with the sherpa-onnx build for this platform,
// pocketsphinx with its English model, and flite. Nothing is loaded or run:
// looking costs a few file checks and one hash of the 2.3 MB VAD model. A
// missing engine's error says what is wrong; its install field, the apt
// command that fixes it.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { VoiceEngineReport } from '../../shared/voice';
import { findOnPath } from './findOnPath';
import { FLITE_INSTALL_HINT } from './flite';
import {
  POCKETSPHINX_INSTALL_HINT,
  POCKETSPHINX_MODEL_DIR,
  missingPocketsphinxModelFile,
} from './pocketsphinx';
import { VAD_MODEL_SHA256, findVadModel, vadModelProblem } from './vadModel';

export interface FindVoiceEnginesOptions {
  /** Whose PATH the programs are looked for on. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: the one pocketsphinx-en-us installs. */
  pocketsphinxModelDir?: string;
  /** Default: resources/voice/silero_vad_v5.onnx, found from this module. */
  vadModelPath?: string;
  vadModelSha256?: string;
}

export async function findVoiceEngines(
  options: FindVoiceEnginesOptions = {},
): Promise<VoiceEngineReport> {
  const env = options.env ?? process.env;
  const [vad, stt, tts] = await Promise.all([
    findVad(options),
    findPocketsphinx(env, options.pocketsphinxModelDir ?? POCKETSPHINX_MODEL_DIR),
    findFlite(env),
  ]);
  return { vad, stt, tts };
}

async function findVad(options: FindVoiceEnginesOptions): Promise<VoiceEngineReport['vad']> {
  const path = options.vadModelPath ?? findVadModel().path;
  if (path === undefined) {
    return {
      present: false,
      error: `the voice activity model is missing; looked in ${findVadModel().candidates.join(', ')}`,
    };
  }
  const problem = await vadModelProblem(path, options.vadModelSha256 ?? VAD_MODEL_SHA256);
  if (problem) return { present: false, error: problem };
  const runtime = sherpaRuntimeProblem();
  if (runtime) return { present: false, error: runtime };
  return { present: true };
}

/** Why sherpa-onnx-node cannot run here (its native build for this platform is not installed). */
function sherpaRuntimeProblem(): string | undefined {
  const require = createRequire(import.meta.url);
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const native = `sherpa-onnx-${platform}-${process.arch}`;
  try {
    const main = require.resolve('sherpa-onnx-node');
    // The native package is an optional dependency of sherpa-onnx-node, next to it.
    createRequire(main).resolve(`${native}/package.json`, { paths: [dirname(main)] });
    return undefined;
  } catch {
    return `sherpa-onnx-node's native build for ${platform}-${process.arch} (${native}) is not installed; run npm ci`;
  }
}

async function findPocketsphinx(
  env: NodeJS.ProcessEnv,
  modelDir: string,
): Promise<VoiceEngineReport['stt']> {
  if ((await findOnPath('pocketsphinx_batch', env)) === undefined) {
    return {
      engine: 'none',
      error: 'pocketsphinx is not installed (pocketsphinx_batch was not found on PATH)',
      install: POCKETSPHINX_INSTALL_HINT,
    };
  }
  const missing = await missingPocketsphinxModelFile(modelDir);
  if (missing !== undefined) {
    return {
      engine: 'none',
      error: `the pocketsphinx English model is missing (${missing})`,
      install: POCKETSPHINX_INSTALL_HINT,
    };
  }
  return { engine: 'pocketsphinx' };
}

async function findFlite(env: NodeJS.ProcessEnv): Promise<VoiceEngineReport['tts']> {
  if ((await findOnPath('flite', env)) === undefined) {
    return {
      engine: 'none',
      error: 'flite is not installed (flite was not found on PATH)',
      install: FLITE_INSTALL_HINT,
    };
  }
  return { engine: 'flite' };
}
