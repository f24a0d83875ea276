// Frames that carry the API over a message channel: one WebSocket, or Electron
// IPC through the preload bridge. Both transports carry exactly these frames, so
// what sits below them (sequence numbers and replay for resume) is written once.
import { clientRole } from './role';
import { z } from 'zod/mini';
import {
  apiError,
  appSnapshot,
  commandNames,
  conversation,
  hearthEvent,
  type CommandName,
} from './api';

export const callFrame = z.strictObject({
  t: z.literal('call'),
  id: z.int().check(z.nonnegative()),
  name: z.enum(commandNames as [CommandName, ...CommandName[]]),
  args: z.unknown(),
});
export type CallFrame = z.infer<typeof callFrame>;

const succeeded = z.object({ ok: z.literal(true), value: z.unknown() });
const failed = z.object({ ok: z.literal(false), error: apiError });

/** How one call ended: the handler's value, or the error its caller gets. */
export type CallOutcome = z.infer<typeof succeeded> | z.infer<typeof failed>;

const resultHeader = { t: z.literal('result'), id: z.int() };
export const resultFrame = z.discriminatedUnion('ok', [
  z.extend(succeeded, resultHeader),
  z.extend(failed, resultHeader),
]);
export type ResultFrame = z.infer<typeof resultFrame>;

// ---- sessions and resume ----
// A connection starts with the client's hello. The server answers welcome, naming
// the session (new, or resumed when the client's id and secret still hold). Every
// event of a session carries the next sequence number; on resume the server sends
// the events after the client's lastSeq, in order, before anything new, or, when
// it no longer holds them, a snapshot: never a silent gap.

const seq = z.int().check(z.nonnegative());

export const helloFrame = z.strictObject({
  t: z.literal('hello'),
  /** The session to resume, and the last event sequence number the client processed. */
  resume: z.optional(
    z.strictObject({
      sessionId: z.string().check(z.minLength(1), z.maxLength(128)),
      secret: z.string().check(z.minLength(1), z.maxLength(128)),
      lastSeq: seq,
    }),
  ),
});
export type HelloFrame = z.infer<typeof helloFrame>;

/** The client has processed every event up to seq: the server may forget them. */
export const ackFrame = z.strictObject({ t: z.literal('ack'), seq });
export type AckFrame = z.infer<typeof ackFrame>;

/** Application heartbeat: a browser cannot see WebSocket pings, so it sends its own. */
export const pingFrame = z.strictObject({ t: z.literal('ping'), id: seq });
export type PingFrame = z.infer<typeof pingFrame>;

/** Everything a client sends. */
export const clientFrame = z.discriminatedUnion('t', [callFrame, helloFrame, ackFrame, pingFrame]);
export type ClientFrame = z.infer<typeof clientFrame>;

export const welcomeFrame = z.object({
  t: z.literal('welcome'),
  sessionId: z.string(),
  /** Proves the session is this client's on the next resume; never logged. */
  secret: z.string(),
  /** True when the session resumed and the missed events follow. */
  resumed: z.boolean(),
  /** What this connection may do: owner actions are for the kiosk and owner-page browsers. */
  role: clientRole,
});
export type WelcomeFrame = z.infer<typeof welcomeFrame>;

/** The whole state a client shows: sent on a new session and when a gap cannot be filled. */
export const snapshotFrame = z.object({
  t: z.literal('snapshot'),
  /** Events after this sequence number follow. */
  seq,
  snapshot: appSnapshot,
  /** The conversation the client had open, when it still exists. */
  open: z.optional(conversation),
});
export type SnapshotFrame = z.infer<typeof snapshotFrame>;

export const eventFrame = z.object({ t: z.literal('event'), seq, event: hearthEvent });
export type EventFrame = z.infer<typeof eventFrame>;

export const pongFrame = z.object({ t: z.literal('pong'), id: seq });
export type PongFrame = z.infer<typeof pongFrame>;

/** Everything main sends to a client. */
export const serverFrame = z.union([
  resultFrame,
  eventFrame,
  welcomeFrame,
  snapshotFrame,
  pongFrame,
]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** Result frames for errors that belong to no call (the frame had no usable id) carry this id. */
export const NO_CALL_ID = -1;

/** The id of a frame that was refused, when it has one its sender could be waiting on. */
export function usableId(frame: unknown): number {
  if (typeof frame !== 'object' || frame === null) return NO_CALL_ID;
  const id = (frame as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : NO_CALL_ID;
}
