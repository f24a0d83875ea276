// The kiosk's end of the API: the preload bridge's two IPC channels as one
// FrameChannel, served by the same RPC endpoint as every WebSocket. The page
// says hello like a phone and gets an owner session; a reloaded page says hello
// again and starts over (or resumes) on the same channel. Each frame's
// sender is checked before the frame is read; frames from anything but the app
// page in the kiosk window are dropped and logged, never answered. Audio frames
// come on their own channel as bytes; anything else sent there is refused as a
// bad frame, and the endpoint limits their rate and size before decoding them.
// Electron's objects come in as parameters (ipcMain, the window), so this file
// runs under plain Node in tests.
import {
  AUDIO_TO_MAIN_CHANNEL,
  FRAMES_TO_MAIN_CHANNEL,
  FRAMES_TO_PAGE_CHANNEL,
  SPEECH_TO_PAGE_CHANNEL,
} from '../../shared/channels';
import { NO_CALL_ID } from '../../shared/wire';
import { Emitter, subscription, type Subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import type { HearthApi } from '../clients/hearthApi';
import { OWNER } from '../clients/principal';
import { serveRpc, type FrameChannel, type Received } from '../clients/connection';
import { isTrustedSender, type IpcSender } from './policy';

const KIOSK_CONNECTION_ID = 'kiosk';

/** The part of an IpcMainEvent the sender check reads. */
export interface IpcFrameEvent {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}
type FrameHandler = (event: IpcFrameEvent, frame: unknown) => void;

/** The part of ipcMain used here. */
export interface IpcReceiver {
  on(channel: string, handler: FrameHandler): unknown;
  removeListener(channel: string, handler: FrameHandler): unknown;
}

/** The part of the kiosk BrowserWindow used here. */
export interface KioskPage {
  isDestroyed(): boolean;
  webContents: { id: number; send(channel: string, frame: unknown): void };
}

export interface IpcApiOptions {
  ipc: IpcReceiver;
  hearth: HearthApi;
  window: KioskPage;
  /** The app page's URL: the only page whose frames are read. */
  appUrl: string;
  logger: Logger;
}

function senderOf(event: IpcFrameEvent, window: KioskPage): IpcSender {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url,
    isMainFrame: frame ? frame.parent === null : false,
    webContentsId: event.sender.id,
    expectedWebContentsId: window.isDestroyed() ? -1 : window.webContents.id,
  };
}

/**
 * What arrived on the audio channel, as the endpoint takes it: bytes (a
 * Uint8Array, Buffer or ArrayBuffer, as a structured clone delivers them), or
 * a refusal naming what came instead.
 */
export function receivedAudio(payload: unknown): Received {
  if (payload instanceof Uint8Array) return { audio: payload, bytes: payload.byteLength };
  if (payload instanceof ArrayBuffer) {
    return { audio: new Uint8Array(payload), bytes: payload.byteLength };
  }
  const kind = payload === null ? 'null' : Array.isArray(payload) ? 'array' : typeof payload;
  return {
    undecodable: `audio frames are bytes (a Uint8Array or ArrayBuffer), not ${kind}`,
    id: NO_CALL_ID,
  };
}

/** Serves the API to the kiosk window until the returned subscription is disposed. */
export function serveIpcApi({ ipc, hearth, window, appUrl, logger }: IpcApiOptions): Subscription {
  const received = new Emitter<Received>((error) =>
    logger.error('ipc_listener_failed', { error: String(error) }),
  );
  const trusted = (event: IpcFrameEvent): boolean => {
    const sender = senderOf(event, window);
    if (isTrustedSender(sender, appUrl)) return true;
    logger.warn('ipc_rejected', {
      frameUrl: sender.frameUrl,
      webContentsId: sender.webContentsId,
    });
    return false;
  };
  const onFrame: FrameHandler = (event, frame) => {
    if (trusted(event)) received.fire({ frame });
  };
  const onAudio: FrameHandler = (event, payload) => {
    if (trusted(event)) received.fire(receivedAudio(payload));
  };
  ipc.on(FRAMES_TO_MAIN_CHANNEL, onFrame);
  ipc.on(AUDIO_TO_MAIN_CHANNEL, onAudio);

  const channel: FrameChannel = {
    post: (frame) => {
      if (!window.isDestroyed()) window.webContents.send(FRAMES_TO_PAGE_CHANNEL, frame);
    },
    postSpeech: (bytes) => {
      if (!window.isDestroyed()) window.webContents.send(SPEECH_TO_PAGE_CHANNEL, bytes);
    },
    onReceive: (listener) => received.subscribe(listener),
  };
  const endpoint = serveRpc(channel, {
    clients: hearth.clients,
    // The kiosk's own window: the owner, in a session like any phone's.
    principal: OWNER,
    logger,
    transport: 'ipc',
    connectionId: KIOSK_CONNECTION_ID,
    // Nothing to close: the page starts over with its next hello.
    close: () => {},
  });
  return subscription(() => {
    ipc.removeListener(FRAMES_TO_MAIN_CHANNEL, onFrame);
    ipc.removeListener(AUDIO_TO_MAIN_CHANNEL, onAudio);
    endpoint.dispose();
    received.dispose();
  });
}
