// Frames that carry the API over a message channel: one WebSocket, or Electron
// IPC through the preload bridge. Both transports carry exactly these frames, so
// what sits below them (sequence numbers and replay for resume) is written once.
import { z } from 'zod';
import { apiError, commandNames, hearthEvent, type CommandName } from './api';

export const callFrame = z
  .object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.enum(commandNames as [CommandName, ...CommandName[]]),
    args: z.unknown(),
  })
  .strict();
export type CallFrame = z.infer<typeof callFrame>;

const succeeded = z.object({ ok: z.literal(true), value: z.unknown() });
const failed = z.object({ ok: z.literal(false), error: apiError });

/** How one call ended: the handler's value, or the error its caller gets. */
export type CallOutcome = z.infer<typeof succeeded> | z.infer<typeof failed>;

const resultHeader = { t: z.literal('result'), id: z.number().int() };
export const resultFrame = z.discriminatedUnion('ok', [
  succeeded.extend(resultHeader),
  failed.extend(resultHeader),
]);
export type ResultFrame = z.infer<typeof resultFrame>;

export const eventFrame = z.object({ t: z.literal('event'), event: hearthEvent });
export type EventFrame = z.infer<typeof eventFrame>;

/** Everything main sends to a client. */
export const serverFrame = z.union([resultFrame, eventFrame]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** Result frames for errors that belong to no call (the frame had no usable id) carry this id. */
export const NO_CALL_ID = -1;

/** The id of a frame that was refused, when it has one its sender could be waiting on. */
export function usableId(frame: unknown): number {
  if (typeof frame !== 'object' || frame === null) return NO_CALL_ID;
  const id = (frame as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : NO_CALL_ID;
}
