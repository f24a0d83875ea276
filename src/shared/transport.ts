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

/** The surface the Electron preload exposes as `window.hearth`. */
export interface HearthBridge {
  call(name: string, args: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
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
