// What the renderer's store needs from a connection to main, whichever it is.
import type { ClientRole } from './role';
import type {
  AppSnapshot,
  CommandArgs,
  CommandName,
  CommandResult,
  Conversation,
  HearthEvent,
} from './api';

export type LinkState =
  | { state: 'connected' }
  | { state: 'connecting' }
  | { state: 'reconnecting'; attempt: number; maxAttempts: number }
  | { state: 'lost'; reason: string };

/** What the server said when this client's session started or resumed. */
export interface SessionInfo {
  /** The owner (the kiosk screen, a browser that opened the owner page) may also pair phones and check cooling. */
  role: ClientRole;
  /** False for a new session: a snapshot follows, and the state starts over from it. */
  resumed: boolean;
}

/** The whole state a client shows: on a new session, and when a resume gap could not be filled. */
export interface Resync {
  snapshot: AppSnapshot;
  /** The conversation the session had open, when it still exists. */
  open?: Conversation;
}

/**
 * Events arrive in order, each once, after the snapshot they apply to; the link
 * is 'connected' once the client holds the server's state (after a resume, or
 * after a new session's snapshot).
 */
export interface HearthTransport {
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  onEvent(listener: (event: HearthEvent) => void): () => void;
  onSnapshot(listener: (resync: Resync) => void): () => void;
  onSession(listener: (session: SessionInfo) => void): () => void;
  onLink(listener: (link: LinkState) => void): () => void;
  /**
   * Sends one audio frame (shared/audio.ts encodeAudioFrame) on the same link;
   * throws HearthCallError 'disconnected' when there is no link to carry it.
   */
  sendAudio(bytes: Uint8Array): void;
  /** Calls listener with each speech frame (shared/audio.ts) main sends this client. */
  onSpeech(listener: (bytes: Uint8Array) => void): () => void;
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
  /** Sends one frame (hello, call, ack, ping) to main. */
  post(frame: unknown): void;
  /** Calls listener with each frame main sends; the returned function unsubscribes. */
  onFrame(listener: (frame: unknown) => void): () => void;
  /** Sends one audio frame (shared/audio.ts encodeAudioFrame) to main. */
  postAudio(bytes: Uint8Array): void;
  /** Calls listener with each speech frame main sends; the returned function unsubscribes. */
  onSpeech(listener: (bytes: Uint8Array) => void): () => void;
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
