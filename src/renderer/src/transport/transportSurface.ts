// What the kiosk's IPC transport and a phone's WebSocket transport hand out
// alike: calls go to the RPC client, events and snapshots come from the
// session client, and a new link listener hears the current link at once so a
// screen never waits for the next change to know where it stands.
import type { CommandArgs, CommandName, CommandResult } from '../../../shared/api';
import type { Emitter } from '../../../shared/emitter';
import type { HearthTransport, LinkState } from '../../../shared/transport';
import type { RpcClient } from './rpcClient';
import type { SessionClient } from './sessionClient';

export interface TransportParts {
  client: RpcClient;
  session: SessionClient;
  links: Emitter<LinkState>;
  /** The link as it is now (read at each onLink call). */
  currentLink(): LinkState;
  /** Carries one audio frame on the link (bytes from shared/audio.ts encodeAudioFrame). */
  sendAudio(bytes: Uint8Array): void;
  /** Calls listener with each speech frame (bytes) main sends on the link. */
  onSpeech(listener: (bytes: Uint8Array) => void): () => void;
  retry(): void;
  close(): void;
}

export function transportSurface(parts: TransportParts): HearthTransport {
  const { client, session, links } = parts;
  return {
    call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      return client.call(name, args);
    },
    onEvent: (listener) => session.onEvent(listener),
    onSnapshot: (listener) => session.onSnapshot(listener),
    onSession: (listener) => session.onSession(listener),
    onLink(listener) {
      const subscription = links.subscribe(listener);
      listener(parts.currentLink());
      return subscription;
    },
    sendAudio: parts.sendAudio,
    onSpeech: parts.onSpeech,
    retry: parts.retry,
    close: parts.close,
  };
}
