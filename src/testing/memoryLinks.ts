// Session links in memory, for tests of the session layer without a transport:
// every frame a session sends is checked against the wire schema (what a client
// would parse) and kept, a copy taken at the moment it was sent.
import type { HearthEvent } from '../shared/api';
import {
  serverFrame,
  type EventFrame,
  type ServerFrame,
  type SnapshotFrame,
  type WelcomeFrame,
} from '../shared/wire';
import type { LinkCloseReason, SessionLink } from '../main/clients/client';

export interface MemoryLink {
  link: SessionLink;
  frames: ServerFrame[];
  /** Speech frames sent to the client, in order. */
  speech: Uint8Array[];
  closed: LinkCloseReason[];
  welcome(): WelcomeFrame;
  snapshots(): SnapshotFrame[];
  events(): EventFrame[];
  /** The events' payloads, in the order sent. */
  eventPayloads(): HearthEvent[];
}

export function memoryLink(): MemoryLink {
  const frames: ServerFrame[] = [];
  const speech: Uint8Array[] = [];
  const closed: LinkCloseReason[] = [];
  const of = <T extends ServerFrame['t']>(t: T) =>
    frames.filter((f): f is Extract<ServerFrame, { t: T }> => f.t === t);
  return {
    link: {
      send: (frame) => frames.push(serverFrame.parse(structuredClone(frame))),
      speak: (bytes) => speech.push(bytes),
      close: (reason) => closed.push(reason),
    },
    frames,
    speech,
    closed,
    welcome() {
      const found = of('welcome')[0];
      if (!found) throw new Error('no welcome was sent');
      return found;
    },
    snapshots: () => of('snapshot'),
    events: () => of('event'),
    eventPayloads: () => of('event').map((f) => f.event),
  };
}

/** Lets promises and I/O callbacks queued now run (a snapshot is built across awaits). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
