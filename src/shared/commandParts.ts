// Pieces every command table uses (api.ts, voiceCommands.ts, modelCommands.ts).
import { z } from 'zod/mini';

/** Conversation and message ids, as crypto.randomUUID() writes them (lowercase). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuid = z.string().check(z.regex(UUID_PATTERN, 'expected a UUID'));

export const empty = z.strictObject({});
export const ok = z.object({ ok: z.literal(true) });
