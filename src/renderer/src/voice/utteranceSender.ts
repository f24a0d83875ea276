// One utterance's chunks as audio frames on the link: the start flag on the
// first frame, the end flag on the last (a single frame may carry both, and an
// end frame may be empty), all under one utterance id. The link's own send may
// throw (the link is down); that reaches the caller, which ends the capture.
import { encodeAudioFrame } from '../../../shared/audio';

export class UtteranceSender {
  readonly utterance: number;
  readonly #send: (bytes: Uint8Array) => void;
  #started = false;
  #ended = false;
  #dropped = false;
  #frames = 0;

  constructor(utterance: number, send: (bytes: Uint8Array) => void) {
    this.utterance = utterance;
    this.#send = send;
  }

  /** Frames sent so far. */
  get frames(): number {
    return this.#frames;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends a chunk (at most 100 ms) as the next frame. */
  chunk(pcm: Int16Array): void {
    this.#frame(pcm, false);
  }

  /** Sends the last frame, with what is left (possibly nothing). Later calls do nothing. */
  end(pcm: Int16Array = new Int16Array(0)): void {
    if (this.#ended) return;
    this.#frame(pcm, true);
  }

  /**
   * Drops the utterance: Hearth neither transcribes it nor sends it as a
   * message, even when it has already ended and is being transcribed. Sends
   * nothing for an utterance that never started.
   */
  drop(): void {
    const started = this.#started && !this.#dropped;
    this.#ended = true;
    this.#dropped = true;
    if (!started) return;
    this.#frames++;
    this.#send(
      encodeAudioFrame({
        utterance: this.utterance,
        start: false,
        end: true,
        drop: true,
        pcm: new Int16Array(0),
      }),
    );
  }

  #frame(pcm: Int16Array, end: boolean): void {
    if (this.#ended) throw new Error(`utterance ${this.utterance} has already ended`);
    const bytes = encodeAudioFrame({ utterance: this.utterance, start: !this.#started, end, pcm });
    // Marked before sending: a frame whose send threw is not sent again with other flags.
    this.#started = true;
    if (end) this.#ended = true;
    this.#frames++;
    this.#send(bytes);
  }
}

/** Utterance ids for one page: a random start, then counting up, within uint32. */
export function utteranceIds(
  start: number = Math.floor(Math.random() * 0xffff_ffff),
): () => number {
  let next = start >>> 0;
  return () => {
    const id = next;
    next = (next + 1) >>> 0;
    return id;
  };
}
