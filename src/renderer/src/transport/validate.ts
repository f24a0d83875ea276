// Boundary checks shared by both transports: whatever crosses the process or
// network boundary is parsed against the shared schema before the store sees it.
import { z } from 'zod';
import {
  apiError,
  commands,
  hearthEvent,
  type CommandName,
  type CommandResult,
  type HearthEvent,
} from '../../../shared/api';
import { HearthCallError } from '../../../shared/transport';

const callOutcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: apiError }),
]);

/** Turns a call outcome from either transport into a typed result or a HearthCallError. */
export function resultOf<K extends CommandName>(name: K, outcome: unknown): CommandResult<K> {
  const parsed = callOutcome.safeParse(outcome);
  if (!parsed.success) throw new HearthCallError('bad_response', `${name}: malformed reply`);
  if (!parsed.data.ok) throw new HearthCallError(parsed.data.error.code, parsed.data.error.message);
  const value = commands[name].result.safeParse(parsed.data.value);
  if (!value.success) {
    throw new HearthCallError('bad_response', `${name}: reply does not match the API`);
  }
  return value.data as CommandResult<K>;
}

/** An event, or null (with a console warning) when it does not match the API. */
export function eventOf(raw: unknown): HearthEvent | null {
  const parsed = hearthEvent.safeParse(raw);
  if (parsed.success) return parsed.data;
  console.warn('hearth: dropped an event that does not match the API', parsed.error.issues[0]);
  return null;
}
