// The AudioWorklet that turns the microphone into 100 ms chunks of 16 kHz
// 16-bit mono (pcm.ts does the work). It runs on the audio rendering thread, so
// the main thread's work never makes it drop samples. What it posts and hears
// is in captureProtocol.ts; each chunk's samples are transferred, not copied.
// micCapture.ts loads it with `?worker&url`, so Vite bundles it, with pcm.ts,
// into one classic script the worklet scope can run.
import { CAPTURE_PROCESSOR, FLUSH, type CaptureMessage } from './captureProtocol';
import { CapturePipeline } from './pcm';

// The AudioWorkletGlobalScope's own names (not in TypeScript's DOM library).
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new () => WorkletProcessor): void;
declare class WorkletProcessor {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: typeof WorkletProcessor;

class PcmCaptureProcessor extends AudioWorkletProcessor {
  readonly #pipeline = new CapturePipeline(sampleRate);
  #flushed = false;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data !== FLUSH || this.#flushed) return;
      this.#flushed = true;
      this.#post({ type: 'flushed', ...this.#pipeline.flush() });
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.#flushed) return false;
    const channels = inputs[0];
    if (channels && channels.length > 0) {
      for (const chunk of this.#pipeline.push(channels)) this.#post({ type: 'chunk', ...chunk });
    }
    return true;
  }

  #post(message: CaptureMessage): void {
    this.port.postMessage(message, [message.pcm.buffer]);
  }
}

registerProcessor(CAPTURE_PROCESSOR, PcmCaptureProcessor);
