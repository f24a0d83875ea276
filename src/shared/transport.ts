// What the renderer's store needs from a connection to main, whichever it is.
import type { CommandArgs, CommandName, CommandResult, HearthEvent } from './api';

export type LinkState =
  | { state: 'connected' }
  | { state: 'connecting' }
  | { state: 'reconnecting'; attempt: number; maxAttempts: number }
  | { state: 'lost'; reason: string };

export interface HearthTransport {
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  onEvent(listener: (event: HearthEvent) => void): () => void;
  onLink(listener: (link: LinkState) => void): () => void;
  /** Try again after the link was declared lost. */
  retry(): void;
  close(): void;
}

/**
 * The surface the Electron preload exposes as `window.hearth`: a message port
 * that carries the frames of wire.ts, as a WebSocket does for a phone. Main
 * checks every frame it receives; the page checks every frame it is sent.
 */
export interface HearthBridge {
  /** Sends one frame (a call frame) to main. */
  post(frame: unknown): void;
  /** Calls listener with each frame main sends; the returned function unsubscribes. */
  onFrame(listener: (frame: unknown) => void): () => void;
}

export class HearthCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HearthCallError';
  }
}
