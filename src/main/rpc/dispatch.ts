// Validates a call from any transport against the shared schema and runs its handler.
import type { ClientRole } from '../../shared/role';
import type { z } from 'zod';
import {
  commands,
  isOwnerCommand,
  type CommandName,
  type CommandResult,
  type Commands,
} from '../../shared/api';
import { describeIssues } from '../../shared/describeIssues';
import type { CallOutcome } from '../../shared/wire';
import { ApiFailure } from '../contracts/failure';
import { INTERNAL_ERROR_MESSAGE, withoutPaths } from './publicMessage';

export interface CallContext {
  /** Stable id of the calling client (kiosk window, or a phone's session). */
  clientId: string;
  /** The kiosk screen and owner-page browsers are the owner; a paired phone is a device. */
  role: ClientRole;
  /** The paired phone calling, when role is 'device'. */
  deviceId?: string;
}

/**
 * Whose share of the limits a call counts against: a phone's device, whatever
 * sessions it opens (a new session must not reset its share), or one owner
 * session (the kiosk window, an owner browser).
 */
export function clientKey(ctx: Pick<CallContext, 'clientId' | 'deviceId'>): string {
  return ctx.deviceId !== undefined ? `device:${ctx.deviceId}` : `session:${ctx.clientId}`;
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
  /** Hears what went wrong inside a handler; the caller gets only a plain sentence. */
  onInternalError?: (command: CommandName, error: unknown) => void,
): Promise<CallOutcome> {
  if (typeof name !== 'string' || !Object.hasOwn(commands, name)) {
    return {
      ok: false,
      error: { code: 'bad_request', message: `unknown command: ${String(name)}` },
    };
  }
  const command = name as CommandName;
  if (ctx.role !== 'owner' && isOwnerCommand(command)) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `${command} is for the Hearth screen only` },
    };
  }
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
    if (error instanceof ApiFailure) {
      return { ok: false, error: { code: error.code, message: withoutPaths(error.message) } };
    }
    onInternalError?.(command, error);
    return { ok: false, error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } };
  }
}
