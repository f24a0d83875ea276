// One real connection (serveRpc) on a memory transport, for tests of what a
// connection does with frames without a socket: every frame it posts is checked
// against the wire schema and kept, and the test feeds it text or audio frames
// as the transport would, with their sizes.
import { Emitter } from '../shared/emitter';
import { serverFrame, type ServerFrame } from '../shared/wire';
import type { LinkCloseReason } from '../main/clients/client';
import type { Principal } from '../main/clients/principal';
import { serveRpc, type Received, type RpcEndpointOptions } from '../main/clients/connection';

/** The test Hearth the connection joins: createTestHearth()'s result fits. */
export interface ConnectionHost {
  hearth: { clients: RpcEndpointOptions['clients'] };
  logger: RpcEndpointOptions['logger'];
}

export interface MemoryConnection {
  /** Every frame the connection posted, in order. */
  posted: ServerFrame[];
  /** Speech frames the connection sent, in order. */
  speech: Uint8Array[];
  /** Why the connection closed its transport, if it did. */
  closed: LinkCloseReason[];
  /** Sends a JSON frame, as the transport would receive its text. */
  send: (frame: unknown) => void;
  /** Sends a binary (audio) frame. */
  sendBytes: (bytes: Uint8Array) => void;
  dispose: () => void;
}

/**
 * Connects `principal` to the host's clients as over a WebSocket named "c",
 * its message rate timed by `clock`. The caller disposes it.
 */
export function serveMemoryConnection(
  host: ConnectionHost,
  principal: Principal,
  clock: { now(): number },
): MemoryConnection {
  const posted: ServerFrame[] = [];
  const speech: Uint8Array[] = [];
  const incoming = new Emitter<Received>();
  const closed: LinkCloseReason[] = [];
  const served = serveRpc(
    {
      post: (frame) => posted.push(serverFrame.parse(structuredClone(frame))),
      postSpeech: (bytes) => speech.push(bytes),
      onReceive: (listener) => incoming.subscribe(listener),
    },
    {
      clients: host.hearth.clients,
      principal,
      logger: host.logger,
      transport: 'ws',
      connectionId: 'c',
      close: (reason) => closed.push(reason),
      now: () => clock.now(),
    },
  );
  return {
    posted,
    speech,
    closed,
    send: (frame) => {
      const text = JSON.stringify(frame);
      incoming.fire({ text, bytes: text.length });
    },
    sendBytes: (bytes) => incoming.fire({ audio: bytes, bytes: bytes.length }),
    dispose: () => served.dispose(),
  };
}
