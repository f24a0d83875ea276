// The microphone, open for one utterance: getUserMedia (echo cancellation,
// noise suppression and automatic gain on; audio only) into the capture
// worklet (pcmWorklet.ts), whose 100 ms chunks go out as audio frames
// (utteranceSender.ts) on the link, with their level for the meter. The
// microphone is open only while listening: finish() and close() stop its
// tracks and close the AudioContext. Browser-only; the parts worth testing
// alone are in pcm.ts, utteranceSender.ts and micErrors.ts.
import { CAPTURE_PROCESSOR, FLUSH, type CaptureMessage } from './captureProtocol';
import {
  MIC_STOPPED,
  micErrorMessage,
  micUnavailableReason,
  type MicEnvironment,
} from './micErrors';
import { UtteranceSender } from './utteranceSender';
import workletUrl from './pcmWorklet.ts?worker&url';

const CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
  video: false,
};

/** How long finish() waits for the worklet's last partial chunk before ending without it. */
const FLUSH_TIMEOUT_MS = 500;

export const LINK_LOST = 'The connection to Hearth dropped while listening.';

export interface MicCaptureOptions {
  /** The utterance id its frames carry. */
  utterance: number;
  /** Sends one audio frame on the link; throws when the link is down. */
  send(bytes: Uint8Array): void;
  /** The level (RMS, 0..1) of each 100 ms chunk, for the meter. */
  onLevel(level: number): void;
  /**
   * The capture ended by itself: the link failed or the microphone went away.
   * Called at most once, with the sentence to show; the microphone is closed by then.
   */
  onFailure(message: string): void;
}

export interface MicCapture {
  /** Ends the utterance: the last samples go out in the end frame, then the microphone closes. */
  finish(): Promise<void>;
  /** Closes the microphone at once; nothing more is sent. */
  close(): Promise<void>;
  /**
   * Closes the microphone and drops the utterance (hands-free switched off,
   * Talk cancelled): Hearth does not transcribe it or send it as a message.
   */
  drop(): Promise<void>;
}

/** This page's environment as micErrors.ts judges it. */
export function browserMicEnvironment(): MicEnvironment {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return {};
  return {
    isSecureContext: window.isSecureContext,
    mediaDevices: navigator.mediaDevices,
    audioWorklet: typeof AudioWorkletNode === 'function',
  };
}

/**
 * Opens the microphone and starts sending. Rejects with an Error whose message
 * is the one sentence to show (permission refused, no microphone, ...).
 */
export async function openMicCapture(options: MicCaptureOptions): Promise<MicCapture> {
  const reason = micUnavailableReason(browserMicEnvironment());
  if (reason) throw new Error(reason);
  // Made before the first await, while the tap's user activation lets audio start.
  const context = new AudioContext({ latencyHint: 'interactive' });
  let stream: MediaStream | undefined;
  try {
    stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
    await context.audioWorklet.addModule(workletUrl);
    return new WorkletCapture(context, stream, options);
  } catch (error) {
    for (const track of stream?.getTracks() ?? []) track.stop();
    void context.close().catch(() => {});
    throw new Error(micErrorMessage(error), { cause: error });
  }
}

class WorkletCapture implements MicCapture {
  readonly #context: AudioContext;
  readonly #stream: MediaStream;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #node: AudioWorkletNode;
  readonly #sender: UtteranceSender;
  readonly #options: MicCaptureOptions;
  #closed = false;
  /** Set while finish() waits for the worklet's partial chunk. */
  #takeRest: ((pcm: Int16Array) => void) | undefined;

  constructor(context: AudioContext, stream: MediaStream, options: MicCaptureOptions) {
    this.#context = context;
    this.#stream = stream;
    this.#options = options;
    this.#sender = new UtteranceSender(options.utterance, options.send);
    this.#source = context.createMediaStreamSource(stream);
    // One input mixed down to mono by the browser; no output, so nothing is played back.
    this.#node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    this.#node.port.onmessage = (event: MessageEvent<CaptureMessage>) => this.#hear(event.data);
    this.#source.connect(this.#node);
    for (const track of stream.getAudioTracks()) {
      track.addEventListener('ended', () => this.#fail(MIC_STOPPED));
    }
    // A context made without a fresh tap may start suspended; resuming is harmless otherwise.
    if (context.state === 'suspended') void context.resume().catch(() => {});
  }

  async finish(): Promise<void> {
    if (this.#closed || this.#takeRest) return;
    const rest = await new Promise<Int16Array>((resolve) => {
      const timer = setTimeout(() => this.#takeRest?.(new Int16Array(0)), FLUSH_TIMEOUT_MS);
      this.#takeRest = (pcm) => {
        clearTimeout(timer);
        this.#takeRest = undefined;
        resolve(pcm);
      };
      this.#node.port.postMessage(FLUSH);
    });
    if (this.#closed) return;
    this.#sendOrFail(() => this.#sender.end(rest));
    await this.close();
  }

  async drop(): Promise<void> {
    if (this.#closed) return;
    await this.close();
    try {
      this.#sender.drop();
    } catch {
      // The link is down: the utterance goes with it, which is a drop too.
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#takeRest?.(new Int16Array(0));
    for (const track of this.#stream.getTracks()) track.stop();
    this.#node.port.onmessage = null;
    this.#node.port.close();
    this.#source.disconnect();
    this.#node.disconnect();
    await this.#context.close().catch(() => {});
  }

  #hear(message: CaptureMessage): void {
    if (this.#closed) return;
    if (message.type === 'flushed') {
      this.#takeRest?.(message.pcm);
      return;
    }
    this.#options.onLevel(message.level);
    this.#sendOrFail(() => this.#sender.chunk(message.pcm));
  }

  #sendOrFail(send: () => void): void {
    try {
      send();
    } catch {
      this.#fail(LINK_LOST);
    }
  }

  #fail(message: string): void {
    if (this.#closed) return;
    void this.close();
    this.#options.onFailure(message);
  }
}
