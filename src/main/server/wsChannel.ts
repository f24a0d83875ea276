// One WebSocket as a FrameChannel: frames go out as JSON text, and a client that
// stops reading is cut off rather than buffered without bound; messages come in
// decoded under the frame size limit.
import type { WebSocket, RawData } from 'ws';
import { subscription } from '../../shared/emitter';
import { NO_CALL_ID, usableId } from '../../shared/wire';
import type { Logger } from '../base/log';
import type { FrameChannel, Received } from '../rpc/rpcEndpoint';

const OPEN = 1;

export interface WsChannelOptions {
  clientId: string;
  logger: Logger;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  /** Called once the socket was terminated for not reading. */
  onCutOff(): void;
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Decodes one WebSocket message, or says why it cannot be a frame. */
export function decodeMessage(bytes: Buffer, isBinary: boolean, maxFrameBytes: number): Received {
  if (isBinary) {
    return {
      undecodable: 'binary frames are not accepted; send JSON text',
      id: NO_CALL_ID,
      bytes: bytes.length,
    };
  }
  let frame: unknown;
  try {
    frame = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { undecodable: 'frame is not valid JSON', id: NO_CALL_ID, bytes: bytes.length };
  }
  // Parsed first so the refusal can name the call the client is waiting on.
  if (bytes.length > maxFrameBytes) {
    return {
      undecodable: `frame of ${bytes.length} bytes exceeds the limit of ${maxFrameBytes} bytes`,
      id: usableId(frame),
      bytes: bytes.length,
    };
  }
  return { frame, bytes: bytes.length };
}

export function wsChannel(socket: WebSocket, options: WsChannelOptions): FrameChannel {
  return {
    post(frame) {
      const text = JSON.stringify(frame);
      if (socket.readyState !== OPEN) return;
      // A client that stopped reading (a sleeping phone, a stalled tab) would make
      // every event pile up in our memory; cut it off instead. It can reconnect.
      if (socket.bufferedAmount + text.length > options.maxBufferedBytes) {
        options.logger.warn('ws_slow_client', {
          clientId: options.clientId,
          bufferedBytes: socket.bufferedAmount,
          limitBytes: options.maxBufferedBytes,
        });
        socket.terminate();
        options.onCutOff();
        return;
      }
      socket.send(text);
    },
    onReceive(listener) {
      const onMessage = (data: RawData, isBinary: boolean): void =>
        listener(decodeMessage(rawToBuffer(data), isBinary, options.maxFrameBytes));
      socket.on('message', onMessage);
      return subscription(() => socket.off('message', onMessage));
    },
  };
}
