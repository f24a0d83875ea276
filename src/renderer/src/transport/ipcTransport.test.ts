import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../../shared/api';
import { Emitter } from '../../../shared/emitter';
import type {
  HearthBridge,
  HearthTransport,
  LinkState,
  SessionInfo,
} from '../../../shared/transport';
import { fixedUuid } from '../../../testing/ids';
import { snapshot } from '../../../testing/rendererFakes';
import { createIpcTransport } from './ipcTransport';
import { memoryResumeStore } from './resumeStore';

const transports: HearthTransport[] = [];
afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});

/** The preload bridge, with the test playing main on the other side. */
function kiosk() {
  const posted: unknown[] = [];
  const audio: Uint8Array[] = [];
  const fromMain = new Emitter<unknown>();
  const fromMainSpeech = new Emitter<Uint8Array>();
  const bridge: HearthBridge = {
    post: (frame) => posted.push(frame),
    onFrame: (listener) => fromMain.subscribe(listener),
    postAudio: (bytes) => audio.push(bytes),
    onSpeech: (listener) => fromMainSpeech.subscribe(listener),
  };
  const transport = createIpcTransport(bridge, { resume: memoryResumeStore() });
  transports.push(transport);
  const links: LinkState[] = [];
  const sessions: SessionInfo[] = [];
  const events: HearthEvent[] = [];
  transport.onLink((link) => links.push(link));
  transport.onSession((session) => sessions.push(session));
  transport.onEvent((event) => events.push(event));
  const main = (frame: unknown) => fromMain.fire(frame);
  return { transport, posted, audio, main, links, sessions, events };
}

const deleted = (n: number): HearthEvent => ({
  type: 'conversationDeleted',
  conversationId: fixedUuid(n),
});

describe('ipcTransport', () => {
  it('says hello first and is connected, as the owner, once the snapshot is in', () => {
    const k = kiosk();
    expect(k.posted).toEqual([{ t: 'hello' }]);
    expect(k.links).toEqual([{ state: 'connecting' }]);
    k.main({ t: 'welcome', sessionId: 'kiosk-1', secret: 's', resumed: false, role: 'owner' });
    expect(k.links.at(-1)?.state).toBe('connecting');
    k.main({ t: 'snapshot', seq: 0, snapshot: snapshot() });
    expect(k.links.at(-1)).toEqual({ state: 'connected' });
    expect(k.sessions).toEqual([{ role: 'owner', resumed: false }]);
    k.main({ t: 'event', seq: 1, event: deleted(1) });
    expect(k.events).toEqual([deleted(1)]);
  });

  it('hands audio bytes to the bridge as they are, apart from the frames', () => {
    const k = kiosk();
    const bytes = Uint8Array.of(0xa1, 3, 0, 0, 1, 0, 0, 0, 9, 0);
    k.transport.sendAudio(bytes);
    expect(k.audio).toEqual([bytes]);
    expect(k.posted).toEqual([{ t: 'hello' }]);
  });

  it('on a skipped event says hello again on the same channel, resuming from the last one', () => {
    const k = kiosk();
    k.main({ t: 'welcome', sessionId: 'kiosk-1', secret: 's', resumed: false, role: 'owner' });
    k.main({ t: 'snapshot', seq: 3, snapshot: snapshot() });
    k.main({ t: 'event', seq: 4, event: deleted(4) });
    k.main({ t: 'event', seq: 6, event: deleted(6) });
    expect(k.posted.at(-1)).toEqual({
      t: 'hello',
      resume: { sessionId: 'kiosk-1', secret: 's', lastSeq: 4 },
    });
    k.main({ t: 'welcome', sessionId: 'kiosk-1', secret: 's', resumed: true, role: 'owner' });
    k.main({ t: 'event', seq: 5, event: deleted(5) });
    k.main({ t: 'event', seq: 6, event: deleted(6) });
    expect(k.events).toEqual([deleted(4), deleted(5), deleted(6)]);
  });

  it('answers calls by id over the bridge', async () => {
    const k = kiosk();
    const list = k.transport.call('listConversations', {});
    expect(k.posted.at(-1)).toEqual({ t: 'call', id: 1, name: 'listConversations', args: {} });
    k.main({ t: 'result', id: 1, ok: true, value: [] });
    await expect(list).resolves.toEqual([]);
  });
});
