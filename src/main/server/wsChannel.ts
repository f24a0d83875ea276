// One WebSocket as a FrameChannel: frames go out as JSON text, and a client that
// stops reading is cut off rather than buffered without bound. Text messages
// come in as frames, parsed by the endpoint only once the client's message rate
// allows; binary messages are audio frames (shared/audio.ts), decoded only once
// the audio rate and size limit allow. ws has already refused anything above
// maxPayload without buffering it.
import type { RawData, WebSocket } from 'ws';
import { subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import type { FrameChannel, Received } from '../clients/connection';

const OPEN = 1;

export interface WsChannelOptions {
  connectionId: string;
  logger: Logger;
  maxBufferedBytes: number;
  /** Called once the socket was terminated for not reading. */
  onCutOff(): void;
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** One WebSocket message as the endpoint receives it. */
export function receivedMessage(bytes: Buffer, isBinary: boolean): Received {
  if (isBinary) {
    return {
      audio: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
      bytes: bytes.length,
    };
  }
  return { text: bytes.toString('utf8'), bytes: bytes.length };
}

export function wsChannel(socket: WebSocket, options: WsChannelOptions): FrameChannel {
  return {
    post(frame) {
      const text = JSON.stringify(frame);
      if (socket.readyState !== OPEN) return;
      // A client that stopped reading (a sleeping phone, a stalled tab) would make
      // every event pile up in our memory; cut it off instead. It can resume.
      if (socket.bufferedAmount + text.length > options.maxBufferedBytes) {
        options.logger.warn('ws_slow_client', {
          connectionId: options.connectionId,
          bufferedBytes: socket.bufferedAmount,
          limitBytes: options.maxBufferedBytes,
        });
        socket.terminate();
        options.onCutOff();
        return;
      }
      socket.send(text);
    },
    postSpeech(bytes) {
      if (socket.readyState !== OPEN) return;
      // Speech is live: a client that is behind loses it rather than piling it up here.
      if (socket.bufferedAmount + bytes.length > options.maxBufferedBytes) return;
      socket.send(bytes, { binary: true });
    },
    onReceive(listener) {
      const onMessage = (data: RawData, isBinary: boolean): void =>
        listener(receivedMessage(rawToBuffer(data), isBinary));
      socket.on('message', onMessage);
      return subscription(() => socket.off('message', onMessage));
    },
  };
}
