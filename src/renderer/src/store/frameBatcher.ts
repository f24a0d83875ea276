// Streamed text arrives as many small `tokens` events (the fixture model makes
// ~2,000 tokens/s). Rendering each would swamp a Pi, so deltas are buffered and
// handed over at most once per animation frame.

export interface FrameScheduler {
  request(callback: () => void): unknown;
  cancel(handle: unknown): void;
}

export const animationFrames: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? {
        request: (callback) => requestAnimationFrame(callback),
        cancel: (handle) => cancelAnimationFrame(handle as number),
      }
    : {
        request: (callback) => setTimeout(callback, 16),
        cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      };

/** Collects text deltas per message and delivers them together on the next frame. */
export class FrameBatcher {
  #pending = new Map<string, string>();
  #handle: unknown = null;

  constructor(
    private readonly frames: FrameScheduler,
    private readonly deliver: (deltas: ReadonlyMap<string, string>) => void,
  ) {}

  push(messageId: string, text: string): void {
    if (!text) return;
    this.#pending.set(messageId, (this.#pending.get(messageId) ?? '') + text);
    if (this.#handle === null) {
      this.#handle = this.frames.request(() => {
        this.#handle = null;
        const deltas = this.take();
        if (deltas.size) this.deliver(deltas);
      });
    }
  }

  /** Takes what is buffered now (to apply it together with another update). */
  take(): Map<string, string> {
    const deltas = this.#pending;
    this.#pending = new Map();
    return deltas;
  }

  /** Drops everything buffered and any scheduled frame. */
  clear(): void {
    this.#pending = new Map();
    if (this.#handle !== null) this.frames.cancel(this.#handle);
    this.#handle = null;
  }
}
