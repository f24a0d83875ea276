// One client of a composed Hearth on its own connection (serveRpc, as a
// WebSocket's), for the voice runtime tests: its calls, the events and speech
// frames it was sent, and audio it streams as 100 ms frames paced by the
// link's own clock, so frames go at the audio rate without waiting. A call
// may run the voice engines (the recognizer Test), so its result is waited
// for up to callTimeoutMs.
import { expect } from 'vitest';
import {
  AUDIO_FRAME_MAX_SAMPLES,
  decodeSpeechFrame,
  encodeAudioFrame,
  type SpeechFrame,
} from '../shared/audio';
import type { AppSnapshot, HearthEvent } from '../shared/api';
import { Emitter } from '../shared/emitter';
import type { ServerFrame } from '../shared/wire';
import { serveRpc, type Received } from '../main/clients/connection';
import type { Principal } from '../main/clients/principal';
import type { ComposedHearth } from '../main/runtime/compose';
import type { Logger } from '../main/base/log';
import type { Cleanups } from './cleanups';
import { createMemoryLogger } from './loggers';

export interface SpeakingClientOptions {
  principal: Principal;
  connectionId: string;
  logger?: Logger;
  /** How long a call's result is waited for. Default 15 s. */
  callTimeoutMs?: number;
}

export function speakingClient(
  app: ComposedHearth,
  cleanups: Cleanups,
  options: SpeakingClientOptions,
) {
  const incoming = new Emitter<Received>();
  const posted: ServerFrame[] = [];
  const spoken: SpeechFrame[] = [];
  let clock = 0;
  const served = serveRpc(
    {
      post: (frame) => posted.push(structuredClone(frame)),
      postSpeech: (bytes) => {
        const frame = decodeSpeechFrame(bytes);
        if ('error' in frame) throw new Error(frame.error);
        spoken.push(frame);
      },
      onReceive: (listener) => incoming.subscribe(listener),
    },
    {
      clients: app.clients,
      principal: options.principal,
      logger: options.logger ?? createMemoryLogger(),
      transport: 'ws',
      connectionId: options.connectionId,
      close: () => {},
      now: () => clock,
    },
  );
  cleanups.defer(() => served.dispose());
  const send = (frame: unknown) => {
    const text = JSON.stringify(frame);
    incoming.fire({ text, bytes: text.length });
  };
  send({ t: 'hello' });
  let ids = 0;
  /** The result frame of a call, whether it succeeded or not. */
  const outcome = async (name: string, args: unknown = {}) => {
    const id = ++ids;
    send({ t: 'call', id, name, args });
    let result: ServerFrame | undefined;
    await expect
      .poll(() => (result = posted.find((f) => f.t === 'result' && f.id === id)), {
        timeout: options.callTimeoutMs ?? 15_000,
      })
      .toBeDefined();
    if (result?.t !== 'result') throw new Error('no result');
    return result;
  };
  const call = async <T>(name: string, args: unknown = {}): Promise<T> => {
    const result = await outcome(name, args);
    if (!result.ok) throw new Error(result.error.message);
    return result.value as T;
  };
  const events = (): HearthEvent[] =>
    posted.flatMap((frame) => (frame.t === 'event' ? [frame.event] : []));
  const snapshots = (): AppSnapshot[] =>
    posted.flatMap((frame) => (frame.t === 'snapshot' ? [frame.snapshot] : []));
  /** Streams the samples as one utterance of 100 ms frames, paced by the link's clock. */
  const talk = (utterance: number, pcm: Int16Array, end = true) => {
    for (let at = 0; at < pcm.length; at += AUDIO_FRAME_MAX_SAMPLES) {
      clock += 100;
      const last = at + AUDIO_FRAME_MAX_SAMPLES >= pcm.length;
      const bytes = encodeAudioFrame({
        utterance,
        start: at === 0,
        end: end && last,
        pcm: pcm.subarray(at, at + AUDIO_FRAME_MAX_SAMPLES),
      });
      incoming.fire({ audio: bytes, bytes: bytes.length });
    }
  };
  /** Drops the utterance (hands-free off, Talk cancelled): a drop frame. */
  const drop = (utterance: number) => {
    const bytes = encodeAudioFrame({
      utterance,
      start: false,
      end: true,
      drop: true,
      pcm: new Int16Array(0),
    });
    incoming.fire({ audio: bytes, bytes: bytes.length });
  };
  return { call, outcome, events, snapshots, spoken, talk, drop };
}
