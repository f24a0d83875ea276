// Speech to text with a downloaded Moonshine or Whisper model (sherpa-onnx),
// in a worker loaded on first use; see sherpaThread.ts.
import type { Logger } from '../../base/log';
import type { ScriptProcessPort } from '../../contracts/scriptProcess';
import type { ThreadRegistry } from '../../threads/registry';
import type { InstalledVoiceModel } from '../models/installedVoiceModel';
import type { Recognizer } from '../voiceListening';
import { recognizerConfig } from './sherpaConfig';
import { SherpaThread } from './sherpaThread';

export interface SherpaEngineOptions {
  /** The model, checked now: called once, at the first use. */
  model: () => Promise<InstalledVoiceModel>;
  logger: Logger;
  registry?: ThreadRegistry;
  /** What runs the model's probe (sherpaProbe.ts); default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
}

export class SherpaRecognizer implements Recognizer {
  readonly #thread: SherpaThread;

  constructor(options: SherpaEngineOptions) {
    this.#thread = new SherpaThread({ ...options, worker: 'recognizer', config: recognizerConfig });
  }

  /** Checks the model and tries it in a throwaway process, without loading it; rejects with one sentence. */
  check(): Promise<void> {
    return this.#thread.check();
  }

  /** Loads the model now if it is not yet; rejects with one sentence. */
  async load(): Promise<void> {
    await this.#thread.load();
  }

  async transcribe(pcm: Int16Array, signal: AbortSignal): Promise<string> {
    // A copy: the caller may keep its array, and the message transfers nothing.
    const answer = await this.#thread.request({ type: 'transcribe', pcm }, signal);
    return answer.type === 'text' ? answer.text : '';
  }

  dispose(): Promise<void> {
    return this.#thread.dispose();
  }
}
