// One client's end of the API, whatever carries its frames: call frames in,
// result frames back, and every HearthApi event out as an event frame. The
// kiosk's IPC and each phone's WebSocket are both a FrameChannel under this,
// so what belongs below the API on both (sequence numbers, replay on resume) is
// written once, as a FrameChannel that wraps another.
import type { z } from 'zod';
import { commands, type HearthEvent } from '../../shared/api';
import { describeIssues } from '../../shared/describeIssues';
import { subscription, type Subscription } from '../../shared/emitter';
import { callFrame, usableId, type CallFrame, type ServerFrame } from '../../shared/wire';
import type { Logger } from '../base/log';
import { dispatch, type HearthHandlers } from './dispatch';

/** One message from the client, as the channel decoded it. */
export type Received =
  | { frame: unknown; bytes?: number }
  /** The channel could not decode the message (not JSON, binary, too large). */
  | { undecodable: string; id: number; bytes?: number };

/** A two-way message channel to one client: birpc's post/on pair. */
export interface FrameChannel {
  /** Sends one frame; throws when the frame cannot be carried (not serialisable). */
  post(frame: ServerFrame): void;
  onReceive(listener: (received: Received) => void): Subscription;
}

export interface RpcEndpointOptions {
  handlers: HearthHandlers;
  events: { subscribe(listener: (event: HearthEvent) => void): Subscription };
  /** Who is calling, as the handlers see it. */
  clientId: string;
  logger: Logger;
  /** Names the transport in log lines: ws_bad_frame, ipc_bad_frame. */
  transport: 'ws' | 'ipc';
}

/** Serves the API to one client until the returned subscription is disposed. */
export function serveRpc(channel: FrameChannel, options: RpcEndpointOptions): Subscription {
  const { handlers, clientId, logger, transport } = options;
  let open = true;

  /** False when the channel could not carry the frame (logged). */
  const send = (frame: ServerFrame, failure: 'call_failed' | 'event_failed'): boolean => {
    if (!open) return true;
    try {
      channel.post(frame);
      return true;
    } catch (error) {
      logger.error(`${transport}_${failure}`, { clientId, error: String(error) });
      return false;
    }
  };

  const refuse = (id: number, reason: string, bytes: number | undefined): void => {
    logger.warn(`${transport}_bad_frame`, { clientId, reason, bytes });
    send(
      { t: 'result', id, ok: false, error: { code: 'bad_request', message: reason } },
      'call_failed',
    );
  };

  const answer = async ({ id, name, args }: CallFrame): Promise<void> => {
    const outcome = await dispatch(handlers, name, args, { clientId });
    if (send({ t: 'result', id, ...outcome }, 'call_failed')) return;
    // A value the channel cannot carry (a BigInt over JSON, say): the caller still hears back.
    send(
      {
        t: 'result',
        id,
        ok: false,
        error: { code: 'internal', message: 'the call failed on the server' },
      },
      'call_failed',
    );
  };

  const receive = (received: Received): void => {
    if ('undecodable' in received) return refuse(received.id, received.undecodable, received.bytes);
    const call = callFrame.safeParse(received.frame);
    if (!call.success) {
      return refuse(
        usableId(received.frame),
        whyNotACall(received.frame, call.error),
        received.bytes,
      );
    }
    void answer(call.data);
  };

  const subscriptions = [
    channel.onReceive(receive),
    options.events.subscribe((event) => send({ t: 'event', event }, 'event_failed')),
  ];
  return subscription(() => {
    open = false;
    for (const unsubscribe of subscriptions) unsubscribe();
  });
}

function whyNotACall(frame: unknown, error: z.ZodError): string {
  const name = (frame as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && !Object.hasOwn(commands, name)) {
    return `unknown command: ${name.slice(0, 64)}`;
  }
  return `bad call frame: ${describeIssues(error, 'frame')}`;
}
