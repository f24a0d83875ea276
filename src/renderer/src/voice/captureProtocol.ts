// What the capture worklet (pcmWorklet.ts) and its owner (micCapture.ts) say to
// each other over the worklet node's port. The owner posts 'flush' once, to end;
// the worklet posts a chunk every 100 ms, and a 'flushed' one with what was left.
import type { CaptureChunk } from './pcm';

/** The name the worklet registers its processor under. */
export const CAPTURE_PROCESSOR = 'hearth-pcm-capture';

/** The one message the owner posts: hand over the partial chunk and stop. */
export const FLUSH = 'flush';

export type CaptureMessage =
  ({ type: 'chunk' } & CaptureChunk) | ({ type: 'flushed' } & CaptureChunk);
