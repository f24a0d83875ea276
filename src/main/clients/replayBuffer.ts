// The core of resume, below both transports: every event frame sent in a
// session gets the next sequence number and is kept for a while, so a client
// that comes back saying "the last one I processed was N" gets exactly the
// frames after N, in order, before anything new (as in Socket.IO's
// connection-state recovery). When the frames after N are no longer held, or N
// was never sent, the answer is an explicit gap: the caller then sends a full
// snapshot. A client never silently misses a frame.

export interface Sequenced<T> {
  /** 1 for the first frame of a session, then +1 for each. */
  readonly seq: number;
  readonly frame: T;
  /** What the frame was counted as against maxBytes. */
  readonly bytes: number;
}

export type Missed<T> =
  { readonly gap: false; readonly frames: readonly Sequenced<T>[] } | { readonly gap: true };

export interface SequencedOutboxOptions<T> {
  /** Most frames held (default 1000). */
  maxFrames?: number;
  /** Most bytes held (default 1 MiB); a single larger frame is not held at all. */
  maxBytes?: number;
  /** Size of a frame when add() is not told it; default: UTF-8 bytes of its JSON. */
  measure?: (frame: T) => number;
}

const DEFAULT_MAX_FRAMES = 1000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

export class SequencedOutbox<T> {
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  readonly #measure: (frame: T) => number;
  /** The newest frames: #ring[(#head + i) % maxFrames] has seq firstHeldSeq + i. */
  readonly #ring: (Sequenced<T> | undefined)[];
  #head = 0;
  #count = 0;
  #bytes = 0;
  #lastSeq = 0;

  constructor(options: SequencedOutboxOptions<T> = {}) {
    this.#maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.#maxFrames) || this.#maxFrames < 1) {
      throw new RangeError(`maxFrames must be a positive integer, not ${this.#maxFrames}`);
    }
    if (!(this.#maxBytes >= 0)) throw new RangeError(`maxBytes must be >= 0`);
    this.#measure = options.measure ?? jsonBytes;
    this.#ring = new Array<Sequenced<T> | undefined>(this.#maxFrames);
  }

  /** The sequence number of the newest frame sent (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The oldest sequence number still held; lastSeq + 1 when nothing is held. */
  get firstHeldSeq(): number {
    return this.#lastSeq - this.#count + 1;
  }

  /** How much is held now. */
  get held(): { frames: number; bytes: number } {
    return { frames: this.#count, bytes: this.#bytes };
  }

  /**
   * Numbers a frame that is about to be sent and keeps it for replay. Pass
   * bytes when the frame is already serialized, to skip measuring it again.
   */
  add(frame: T, bytes?: number): Sequenced<T> {
    const size = bytes ?? this.#measure(frame);
    const entry: Sequenced<T> = { seq: ++this.#lastSeq, frame, bytes: size };
    if (size > this.#maxBytes) {
      // Too big to hold; everything older is now unreachable too, since replay
      // must be contiguous. A resume from before it becomes a snapshot.
      this.#clear();
      return entry;
    }
    if (this.#count === this.#maxFrames) this.#dropOldest();
    while (this.#count > 0 && this.#bytes + size > this.#maxBytes) this.#dropOldest();
    this.#ring[(this.#head + this.#count) % this.#maxFrames] = entry;
    this.#count++;
    this.#bytes += size;
    return entry;
  }

  /**
   * What a client that processed everything up to lastSeq has missed: the
   * frames after it in order, or a gap when they are not all held (or lastSeq
   * is not a number this outbox could have sent).
   */
  since(lastSeq: number): Missed<T> {
    if (!Number.isSafeInteger(lastSeq) || lastSeq < 0 || lastSeq > this.#lastSeq) {
      return { gap: true };
    }
    const first = this.firstHeldSeq;
    if (lastSeq + 1 < first) return { gap: true };
    const frames: Sequenced<T>[] = [];
    for (let i = lastSeq + 1 - first; i < this.#count; i++) {
      frames.push(this.#at(i));
    }
    return { gap: false, frames };
  }

  /**
   * The client confirmed it processed everything up to seq: those frames are
   * never needed again, so they stop taking memory.
   */
  acknowledge(seq: number): void {
    if (!Number.isSafeInteger(seq)) return;
    const upTo = Math.min(seq, this.#lastSeq);
    while (this.#count > 0 && this.firstHeldSeq <= upTo) this.#dropOldest();
  }

  #at(index: number): Sequenced<T> {
    const entry = this.#ring[(this.#head + index) % this.#maxFrames];
    if (!entry) throw new Error('replay buffer is inconsistent');
    return entry;
  }

  #dropOldest(): void {
    const entry = this.#ring[this.#head];
    if (!entry) return;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#maxFrames;
    this.#count--;
    this.#bytes -= entry.bytes;
  }

  #clear(): void {
    this.#ring.fill(undefined);
    this.#head = 0;
    this.#count = 0;
    this.#bytes = 0;
  }
}

function jsonBytes(frame: unknown): number {
  return Buffer.byteLength(JSON.stringify(frame) ?? '', 'utf8');
}
