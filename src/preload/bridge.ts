// window.hearth, built over the small part of ipcRenderer it needs, so it can be
// tested without Electron. Only frames cross: never ipcRenderer, never the
// IpcRendererEvent (it holds `sender`, a way back into Electron).
import type { HearthBridge } from '../shared/transport';
import {
  AUDIO_TO_MAIN_CHANNEL,
  FRAMES_TO_MAIN_CHANNEL,
  FRAMES_TO_PAGE_CHANNEL,
  SPEECH_TO_PAGE_CHANNEL,
} from '../shared/channels';

type Handler = (event: unknown, frame: unknown) => void;

export interface BridgeIpc {
  send(channel: string, frame: unknown): void;
  on(channel: string, handler: Handler): unknown;
  removeListener(channel: string, handler: Handler): unknown;
}

export function createBridge(ipc: BridgeIpc): HearthBridge {
  return {
    post: (frame) => ipc.send(FRAMES_TO_MAIN_CHANNEL, frame),
    // Bytes travel as a structured clone; main checks they are bytes, and how many.
    postAudio: (bytes) => ipc.send(AUDIO_TO_MAIN_CHANNEL, bytes),
    onSpeech: (listener) => {
      // Only bytes reach the page: anything else on the channel is not speech.
      const forward: Handler = (_event, bytes) => {
        if (bytes instanceof Uint8Array) listener(bytes);
      };
      ipc.on(SPEECH_TO_PAGE_CHANNEL, forward);
      return () => {
        ipc.removeListener(SPEECH_TO_PAGE_CHANNEL, forward);
      };
    },
    onFrame: (listener) => {
      const forward: Handler = (_event, frame) => listener(frame);
      ipc.on(FRAMES_TO_PAGE_CHANNEL, forward);
      return () => {
        ipc.removeListener(FRAMES_TO_PAGE_CHANNEL, forward);
      };
    },
  };
}
