// The kiosk's transport: the preload bridge (window.hearth), a message port over
// Electron IPC that carries the same frames as a phone's WebSocket, with the same
// session underneath: hello first, then welcome, snapshot and events in order.
import { Emitter } from '../../../shared/emitter';
import type { HearthBridge, HearthTransport, LinkState } from '../../../shared/transport';
import { tabResumeStore, type ResumeStore } from './resumeStore';
import { createRpcClient } from './rpcClient';
import { SessionClient } from './sessionClient';
import { transportSurface } from './transportSurface';

export interface IpcTransportOptions {
  /** Where the session to resume is kept; defaults to the tab's sessionStorage (a reload resumes). */
  resume?: ResumeStore;
}

export function createIpcTransport(
  bridge: HearthBridge,
  options: IpcTransportOptions = {},
): HearthTransport {
  const client = createRpcClient(bridge);
  const links = new Emitter<LinkState>();
  // IPC to our own main process cannot drop: connecting until the session is live, then connected.
  let link: LinkState = { state: 'connecting' };
  const session: SessionClient = new SessionClient({
    send: (frame) => bridge.post(frame),
    resume: options.resume ?? tabResumeStore(),
    onLive: () => {
      if (link.state === 'connected') return;
      link = { state: 'connected' };
      links.fire(link);
    },
    // A skipped event cannot happen on IPC, which keeps order; if it does, a
    // second hello on the same channel resumes and fills the gap.
    onGap: () => bridge.post(session.hello()),
  });
  const stopReading = bridge.onFrame((frame) => session.receive(frame));
  bridge.post(session.hello());

  return transportSurface({
    client,
    session,
    links,
    currentLink: () => link,
    // Main checks the bytes and limits their rate; it answers a refusal like any bad frame.
    sendAudio: (bytes) => bridge.postAudio(bytes),
    onSpeech: (listener) => bridge.onSpeech(listener),
    retry() {},
    close() {
      stopReading();
      session.dispose();
      client.dispose();
      links.dispose();
    },
  });
}
