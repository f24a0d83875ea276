// One connection to one client, whatever carries its frames: the kiosk's IPC and
// each phone's WebSocket are both a FrameChannel under this. The client's hello
// puts the connection on a session (new or resumed); calls then run as that
// session, results go back on this connection, and events reach it through the
// session. Every frame is counted against the connection's message rate before
// any work is done on it; a bad frame is answered, never fatal. Audio frames
// (binary, shared/audio.ts) have their own rate and size limit, checked before
// they are decoded, and go to the session's open utterance.
import type { z } from 'zod';
import { commands } from '../../shared/api';
import { decodeAudioFrame } from '../../shared/audio';
import { describeIssues } from '../../shared/describeIssues';
import { subscription, type Subscription } from '../../shared/emitter';
import {
  clientFrame,
  NO_CALL_ID,
  usableId,
  type CallFrame,
  type ClientFrame,
  type HelloFrame,
  type ServerFrame,
} from '../../shared/wire';
import type { Logger } from '../base/log';
import { TokenBucket } from './tokenBucket';
import type { Client, LinkCloseReason, SessionLink } from './client';
import type { Clients } from './clients';
import type { Principal } from './principal';

/** One message from the client, as the channel received it. */
export type Received =
  /** Already a value (IPC delivers structured clones). */
  | { frame: unknown; bytes?: number }
  /** JSON text, parsed only once the message rate allows it. */
  | { text: string; bytes: number }
  /** An audio frame's bytes, decoded only once the audio rate and size limit allow it. */
  | { audio: Uint8Array; bytes: number }
  /** The channel could not decode the message (binary, say). */
  | { undecodable: string; id: number; bytes?: number };

/** A two-way message channel to one client: birpc's post/on pair. */
export interface FrameChannel {
  /** Sends one frame; throws when the frame cannot be carried (not serialisable). */
  post(frame: ServerFrame): void;
  /** Sends one speech frame (shared/audio.ts), or drops it when the client cannot take it now. */
  postSpeech(bytes: Uint8Array): void;
  onReceive(listener: (received: Received) => void): Subscription;
}

export interface RpcEndpointOptions {
  clients: Clients;
  /** Who the transport established is at the other end. */
  principal: Principal;
  logger: Logger;
  /** Names the transport in log lines: ws_bad_frame, ipc_bad_frame. */
  transport: 'ws' | 'ipc';
  /** Names the connection in log lines. */
  connectionId: string;
  /** Ends the connection: a WebSocket is closed; IPC has nothing to close. */
  close(reason: LinkCloseReason): void;
  /** Clock for the message rate (ms). */
  now?: () => number;
}

/** Bad frames logged one by one per connection; past this a count is logged at the end. */
const LOGGED_BAD_FRAMES = 20;
/** How far into a refused message the call id is looked for, so a refusal costs O(1). */
const SNIFF_CHARS = 256;

/** Serves one connection until the returned subscription is disposed. */
export function serveRpc(channel: FrameChannel, options: RpcEndpointOptions): Subscription {
  const { clients, principal, logger, transport, connectionId } = options;
  const { limits } = clients;
  const now = options.now ?? Date.now;
  const rate = new TokenBucket({
    ratePerSecond: limits.framesPerSecond,
    burst: limits.frameBurst,
    now,
  });
  const audioRate = new TokenBucket({
    ratePerSecond: limits.audioFramesPerSecond,
    burst: limits.audioFrameBurst,
    now,
  });
  const refusals = new TokenBucket({
    ratePerSecond: limits.framesPerSecond,
    burst: limits.floodRefusals,
    now,
  });
  let open = true;
  let flooding = false;
  let badFrames = 0;
  let session: Client | undefined;
  let link: SessionLink | undefined;

  const who = (): Record<string, unknown> =>
    session ? { connectionId, clientId: session.id } : { connectionId };

  /** False when the channel could not carry the frame (logged). */
  const post = (frame: ServerFrame): boolean => {
    if (!open) return true;
    try {
      channel.post(frame);
      return true;
    } catch (error) {
      const failure = frame.t === 'result' ? 'call_failed' : 'event_failed';
      logger.error(`${transport}_${failure}`, { ...who(), error: String(error) });
      return false;
    }
  };

  const refuse = (id: number, reason: string, bytes: number | undefined): void => {
    if (++badFrames <= LOGGED_BAD_FRAMES) {
      logger.warn(`${transport}_bad_frame`, { ...who(), reason, bytes });
    }
    post({ t: 'result', id, ok: false, error: { code: 'bad_request', message: reason } });
  };

  const overRate = (
    received: Received,
    message = `Too many messages: at most ${limits.framesPerSecond} a second`,
  ): void => {
    if (!refusals.take()) {
      // Far past the rate: no more answers, and the connection is cut. The
      // session survives; the client may come back and resume.
      if (!flooding) {
        flooding = true;
        logger.warn(`${transport}_flood`, { ...who(), framesPerSecond: limits.framesPerSecond });
        options.close('flooding');
      }
      return;
    }
    post({
      t: 'result',
      id: sniffCallId(received),
      ok: false,
      error: { code: 'rate_limited', message },
    });
  };

  const newLink = (): SessionLink => {
    const mine: SessionLink = {
      send: (frame) => {
        if (link === mine) post(frame);
      },
      speak: (bytes) => {
        if (link !== mine || !open) return;
        try {
          channel.postSpeech(bytes);
        } catch (error) {
          logger.error(`${transport}_speech_failed`, { ...who(), error: String(error) });
        }
      },
      close: (reason) => {
        if (link !== mine) return;
        link = undefined;
        session = undefined;
        logger.info(`${transport}_link_closed`, { connectionId, reason });
        options.close(reason);
      },
    };
    return mine;
  };

  const hello = (frame: HelloFrame): void => {
    // A second hello starts over (the kiosk page reloaded): the old link's
    // results are dropped and its session waits for a resume like any other.
    if (session && link) clients.detach(session, link);
    session = undefined;
    const mine = newLink();
    link = mine;
    const opened = clients.open(frame, principal, mine);
    if (link === mine) session = opened;
  };

  const answer = async (call: CallFrame, from: Client, on: SessionLink): Promise<void> => {
    const outcome = await from.call(call);
    // Results belong to the connection that asked: a newer one never sees them.
    if (link !== on || !open) return;
    if (post({ t: 'result', id: call.id, ...outcome })) return;
    // A value the channel cannot carry (a BigInt over JSON, say): the caller still hears back.
    post({
      t: 'result',
      id: call.id,
      ok: false,
      error: { code: 'internal', message: 'the call failed on the server' },
    });
  };

  const handle = (frame: ClientFrame, bytes: number | undefined): void => {
    switch (frame.t) {
      case 'ping':
        post({ t: 'pong', id: frame.id });
        return;
      case 'hello':
        hello(frame);
        return;
      case 'ack':
        if (session) session.acknowledge(frame.seq);
        else refuse(NO_CALL_ID, NOT_INTRODUCED, bytes);
        return;
      case 'call':
        if (session && link) void answer(frame, session, link);
        else refuse(frame.id, NOT_INTRODUCED, bytes);
        return;
    }
  };

  const hearAudio = (received: { audio: Uint8Array; bytes: number }): void => {
    const { bytes } = received;
    if (!audioRate.take()) {
      return overRate(
        received,
        `Too much audio: at most ${limits.audioFramesPerSecond} audio frames a second`,
      );
    }
    if (bytes > limits.maxAudioFrameBytes) {
      return refuse(
        NO_CALL_ID,
        `audio frame of ${bytes} bytes is over the ${limits.maxAudioFrameBytes} a frame may hold`,
        bytes,
      );
    }
    const frame = decodeAudioFrame(received.audio);
    if ('error' in frame) return refuse(NO_CALL_ID, frame.error, bytes);
    if (!session) return refuse(NO_CALL_ID, NOT_INTRODUCED, bytes);
    const outcome = session.hearAudio(frame);
    if (!outcome.ok) return refuse(NO_CALL_ID, outcome.reason, bytes);
    // The client is told its utterance was cut; its next frames of it are dropped.
    if (outcome.cut !== undefined) {
      post({
        t: 'result',
        id: NO_CALL_ID,
        ok: false,
        error: { code: 'bad_request', message: outcome.cut },
      });
    }
  };

  const receive = (received: Received): void => {
    if (!open) return;
    if ('audio' in received) {
      try {
        hearAudio(received);
      } catch (error) {
        logger.error(`${transport}_frame_failed`, { ...who(), error: String(error) });
      }
      return;
    }
    if (!rate.take()) return overRate(received);
    if ('undecodable' in received) return refuse(received.id, received.undecodable, received.bytes);
    let value: unknown;
    if ('text' in received) {
      try {
        value = JSON.parse(received.text);
      } catch {
        return refuse(NO_CALL_ID, 'frame is not valid JSON', received.bytes);
      }
    } else {
      value = received.frame;
    }
    const parsed = clientFrame.safeParse(value);
    if (!parsed.success) {
      return refuse(callIdOf(value), whyRefused(value, parsed.error), received.bytes);
    }
    try {
      handle(parsed.data, received.bytes);
    } catch (error) {
      // A fault here must not take the process (and the kiosk's screen) down with it.
      logger.error(`${transport}_frame_failed`, { ...who(), error: String(error) });
    }
  };

  const listening = channel.onReceive(receive);
  return subscription(() => {
    open = false;
    listening();
    if (session && link) clients.detach(session, link);
    session = undefined;
    link = undefined;
    if (badFrames > LOGGED_BAD_FRAMES) {
      logger.warn(`${transport}_bad_frames`, { connectionId, count: badFrames });
    }
  });
}

const NOT_INTRODUCED = 'send hello first: every connection starts with a hello frame';

const FRAME_TYPES: ReadonlySet<unknown> = new Set(['call', 'hello', 'ack', 'ping']);

/** The id a refusal answers: a call's own id, when it has one its sender waits on. */
function callIdOf(frame: unknown): number {
  const t = (frame as { t?: unknown } | null)?.t;
  return t === 'call' || t === undefined ? usableId(frame) : NO_CALL_ID;
}

/** The call id of a message not parsed (over the rate), from its first characters only. */
function sniffCallId(received: Received): number {
  if ('undecodable' in received) return received.id;
  if ('audio' in received) return NO_CALL_ID;
  if (!('text' in received)) return callIdOf(received.frame);
  const head = received.text.slice(0, SNIFF_CHARS);
  if (!/"t"\s*:\s*"call"/.test(head)) return NO_CALL_ID;
  const id = /"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(head)?.[1];
  return id === undefined ? NO_CALL_ID : Number(id);
}

function whyRefused(frame: unknown, error: z.core.$ZodError): string {
  const { t, name } = (frame ?? {}) as { t?: unknown; name?: unknown };
  if (t === 'call' && typeof name === 'string' && !Object.hasOwn(commands, name)) {
    return `unknown command: ${name.slice(0, 64)}`;
  }
  const kind = FRAME_TYPES.has(t) ? `${String(t)} frame` : 'frame';
  return `bad ${kind}: ${describeIssues(error, 'frame')}`;
}
