// Frames that carry the API over a message channel (WebSocket, or IPC through
// the preload bridge). The channel below may add its own envelope (sequence
// numbers for resume); these frames are what the API layer sees.
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

export const resultFrame = z.discriminatedUnion('ok', [
  z.object({
    t: z.literal('result'),
    id: z.number().int(),
    ok: z.literal(true),
    value: z.unknown(),
  }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: apiError }),
]);
export type ResultFrame = z.infer<typeof resultFrame>;

export const eventFrame = z.object({ t: z.literal('event'), event: hearthEvent });
export type EventFrame = z.infer<typeof eventFrame>;

export const serverFrame = z.union([resultFrame, eventFrame]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** Outcome of one call, as both transports return it. */
export type CallOutcome =
  { ok: true; value: unknown } | { ok: false; error: z.infer<typeof apiError> };
