// Hearth's spoken answer, played as its chunks arrive: each chunk becomes an
// AudioBufferSourceNode scheduled to start exactly where the one before it
// ends, so sentences join without clicks or gaps. cut() silences it at once and
// drops what is queued (Stop speaking, barge-in, a new answer). Everything goes
// through one gain node, `output`, which a test can tap to hear what the page
// plays. Only the part of Web Audio used here is typed (PlaybackContext), so
// the scheduling is unit-tested with a small fake; a real AudioContext fits it.
import { Emitter, type Subscription } from '../../../shared/emitter';

/** What the player needs of an AudioNode. */
export interface PlaybackNode {
  connect(destination: PlaybackNode): unknown;
  disconnect(): void;
}

export interface PlaybackBuffer {
  readonly duration: number;
  getChannelData(channel: number): Float32Array;
}

export interface PlaybackSource extends PlaybackNode {
  buffer: PlaybackBuffer | null;
  onended: ((this: never, event: Event) => unknown) | null;
  start(when?: number): void;
  stop(when?: number): void;
}

/** The part of an AudioContext the player uses. */
export interface PlaybackContext {
  readonly currentTime: number;
  readonly state: string;
  readonly destination: PlaybackNode;
  createBuffer(channels: number, length: number, sampleRate: number): PlaybackBuffer;
  createBufferSource(): PlaybackSource;
  createGain(): PlaybackNode;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How far ahead of now a chunk that finds the queue empty is started: enough
 * for the audio thread to pick it up without clipping its first milliseconds.
 */
export const START_LEAD_S = 0.03;

export class SpeechPlayer {
  readonly #createContext: () => PlaybackContext;
  #context: PlaybackContext | undefined;
  #output: PlaybackNode | undefined;
  /** Sources started or scheduled and not yet ended. */
  readonly #playing = new Set<PlaybackSource>();
  /** When the last scheduled chunk ends, in the context's time. */
  #endTime = 0;
  readonly #idle = new Emitter<void>();
  #disposed = false;

  /** The context is made on first use (ideally inside a tap, so the browser lets it play). */
  constructor(createContext: () => PlaybackContext) {
    this.#createContext = createContext;
  }

  /** True from the first queued chunk until the queue runs dry or is cut. */
  get speaking(): boolean {
    return this.#playing.size > 0;
  }

  /** The node all speech passes through on its way to the speakers. */
  get output(): PlaybackNode {
    return this.#ready().output;
  }

  /** Makes (or wakes) the audio context now, e.g. inside a tap. */
  prepare(): void {
    if (this.#disposed) return;
    const { context } = this.#ready();
    if (context.state === 'suspended') void context.resume().catch(() => {});
  }

  /** Runs when the last queued chunk has finished playing (not after cut()). */
  onIdle(listener: () => void): Subscription {
    return this.#idle.subscribe(listener);
  }

  /** Queues 16-bit mono samples at `sampleRate` right after what is already queued. */
  play(pcm: Int16Array, sampleRate: number): void {
    if (this.#disposed || pcm.length === 0) return;
    if (!Number.isFinite(sampleRate) || sampleRate < 3000 || sampleRate > 768_000) {
      throw new RangeError(`cannot play audio at ${sampleRate} Hz`);
    }
    this.prepare();
    const { context, output } = this.#ready();
    const buffer = context.createBuffer(1, pcm.length, sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = (pcm[i] ?? 0) / 32768;
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    const startAt = Math.max(this.#endTime, context.currentTime + START_LEAD_S);
    this.#endTime = startAt + pcm.length / sampleRate;
    source.onended = () => this.#ended(source);
    this.#playing.add(source);
    source.start(startAt);
  }

  /** Silences the speech now and forgets everything queued. */
  cut(): void {
    const sources = [...this.#playing];
    this.#playing.clear();
    this.#endTime = 0;
    for (const source of sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // Already stopped: nothing left to silence.
      }
      source.disconnect();
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.cut();
    this.#idle.dispose();
    const context = this.#context;
    this.#context = undefined;
    await context?.close().catch(() => {});
  }

  #ready(): { context: PlaybackContext; output: PlaybackNode } {
    if (!this.#context || !this.#output) {
      const context = this.#createContext();
      const output = context.createGain();
      output.connect(context.destination);
      this.#context = context;
      this.#output = output;
    }
    return { context: this.#context, output: this.#output };
  }

  #ended(source: PlaybackSource): void {
    if (!this.#playing.delete(source)) return;
    source.disconnect();
    if (this.#playing.size === 0) {
      this.#endTime = 0;
      this.#idle.fire();
    }
  }
}
