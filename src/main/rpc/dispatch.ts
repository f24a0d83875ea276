// Validates a call from any transport against the shared schema and runs its handler.
import type { z } from 'zod';
import { commands, type CommandName, type CommandResult, type Commands } from '../../shared/api';
import { describeIssues } from '../../shared/describeIssues';
import type { CallOutcome } from '../../shared/wire';
import { ApiFailure } from '../contracts/failure';

export interface CallContext {
  /** Stable id of the calling client (kiosk window, or a phone's session). */
  clientId: string;
}

export type HearthHandlers = {
  [K in CommandName]: (
    args: z.infer<Commands[K]['args']>,
    ctx: CallContext,
  ) => Promise<CommandResult<K>>;
};

/** Never throws: every failure becomes the caller's error. */
export async function dispatch(
  handlers: HearthHandlers,
  name: unknown,
  args: unknown,
  ctx: CallContext,
): Promise<CallOutcome> {
  if (typeof name !== 'string' || !Object.hasOwn(commands, name)) {
    return {
      ok: false,
      error: { code: 'bad_request', message: `unknown command: ${String(name)}` },
    };
  }
  const command = name as CommandName;
  const parsed = commands[command].args.safeParse(args ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'bad_request',
        message: `${command}: ${describeIssues(parsed.error, 'arguments')}`,
      },
    };
  }
  try {
    const handler = handlers[command] as (a: unknown, c: CallContext) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data, ctx) };
  } catch (error) {
    if (error instanceof ApiFailure)
      return { ok: false, error: { code: error.code, message: error.message } };
    return {
      ok: false,
      error: { code: 'internal', message: error instanceof Error ? error.message : String(error) },
    };
  }
}
