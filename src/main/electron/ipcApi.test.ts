// The kiosk's whole API path without Electron: a page speaking the protocol over
// the real preload bridge, over a stand-in for Electron IPC, into serveIpcApi.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeAudioFrame } from '../../shared/audio';
import { AUDIO_TO_MAIN_CHANNEL, FRAMES_TO_MAIN_CHANNEL } from '../../shared/channels';
import { wholeUtterances, type UtteranceEnd } from '../contracts/speech';
import {
  clientFrame,
  serverFrame,
  type HelloFrame,
  type ResultFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '../../shared/wire';
import { createBridge, type BridgeIpc } from '../../preload/bridge';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { serveIpcApi, type IpcFrameEvent, type IpcReceiver, type KioskPage } from './ipcApi';

const APP_URL = 'app://hearth/index.html';
const KIOSK_ID = 7;
const CONVERSATION_ID = fixedUuid(1);
/** A well-formed id that names no conversation. */
const UNKNOWN_ID = fixedUuid(404);

interface PageSender {
  webContentsId: number;
  frameUrl: string | null;
  isMainFrame: boolean;
}
const appPage: PageSender = { webContentsId: KIOSK_ID, frameUrl: APP_URL, isMainFrame: true };

type Handler = (event: IpcFrameEvent, frame: unknown) => void;
type PageHandler = (event: unknown, frame: unknown) => void;

/**
 * Electron IPC in miniature: messages are structured-cloned and delivered on a
 * later tick, and main learns who sent each one, as ipcMain does.
 */
function fakeElectron() {
  const mainHandlers = new Map<string, Set<Handler>>();
  const pageHandlers = new Map<string, Set<PageHandler>>();
  const toMain: unknown[] = [];
  const toPage: unknown[] = [];
  let destroyed = false;

  const register = <H>(map: Map<string, Set<H>>, channel: string, handler: H) => {
    const set = map.get(channel) ?? new Set<H>();
    set.add(handler);
    map.set(channel, set);
  };
  const ipcMain: IpcReceiver = {
    on: (channel, handler) => register(mainHandlers, channel, handler),
    removeListener: (channel, handler) => mainHandlers.get(channel)?.delete(handler),
  };
  const window: KioskPage = {
    isDestroyed: () => destroyed,
    webContents: {
      id: KIOSK_ID,
      send(channel, frame) {
        const copy = structuredClone(frame);
        toPage.push(copy);
        queueMicrotask(() => {
          for (const handler of pageHandlers.get(channel) ?? []) handler({ sender: 'ipc' }, copy);
        });
      },
    },
  };
  /** ipcRenderer as seen from a page; `from` is who main will see as the sender. */
  const pageIpc = (from: PageSender): BridgeIpc => ({
    send(channel, frame) {
      const copy = structuredClone(frame);
      toMain.push(copy);
      const event: IpcFrameEvent = {
        sender: { id: from.webContentsId },
        senderFrame:
          from.frameUrl === null
            ? null
            : { url: from.frameUrl, parent: from.isMainFrame ? null : {} },
      };
      queueMicrotask(() => {
        for (const handler of mainHandlers.get(channel) ?? []) handler(event, copy);
      });
    },
    on: (channel, handler) => register(pageHandlers, channel, handler),
    removeListener: (channel, handler) => pageHandlers.get(channel)?.delete(handler),
  });
  return {
    ipcMain,
    window,
    pageIpc,
    toMain,
    toPage,
    mainHandlers,
    destroy: () => (destroyed = true),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const cleanup: { dispose(): unknown }[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const item of cleanup.splice(0)) item.dispose();
});

/** The page's side: frames over the bridge, kept in order; calls matched to results by id. */
function page(ipc: BridgeIpc) {
  const bridge = createBridge(ipc);
  const frames: ServerFrame[] = [];
  bridge.onFrame((frame) => frames.push(serverFrame.parse(frame)));
  let nextId = 1;
  const hello = async (frame: HelloFrame = { t: 'hello' }) => {
    const before = frames.length;
    bridge.post(frame);
    await settle();
    await settle();
    const welcome = frames.slice(before).find((f): f is WelcomeFrame => f.t === 'welcome');
    if (!welcome) throw new Error('no welcome');
    return welcome;
  };
  const call = async (name: string, args: unknown = {}): Promise<ResultFrame> => {
    const id = nextId++;
    bridge.post({ t: 'call', id, name, args });
    for (let i = 0; i < 20; i++) {
      await settle();
      const found = frames.find((f): f is ResultFrame => f.t === 'result' && f.id === id);
      if (found) return found;
    }
    throw new Error(`no result for ${name}`);
  };
  return { bridge, frames, hello, call };
}

function kiosk() {
  const heard: { clientKey: string; pcm: Int16Array; why: UtteranceEnd }[] = [];
  const fake = createTestHearth({
    speech: wholeUtterances(({ clientKey }, pcm, why) => heard.push({ clientKey, pcm, why })),
  });
  const electron = fakeElectron();
  const serving = serveIpcApi({
    ipc: electron.ipcMain,
    hearth: fake.hearth,
    window: electron.window,
    appUrl: APP_URL,
    logger: fake.logger,
  });
  cleanup.push(serving, fake.hearth);
  const open = (from: PageSender = appPage) => page(electron.pageIpc(from));
  return { fake, electron, serving, open, heard };
}

describe('the kiosk API over IPC', () => {
  it('gives the page an owner session and carries exactly the frames a WebSocket carries', async () => {
    const { fake, electron, open } = kiosk();
    const kioskPage = open();
    const welcome = await kioskPage.hello();
    expect(welcome).toMatchObject({ resumed: false, role: 'owner' });
    const created = await kioskPage.call('newConversation');
    const id = (created as { value: { id: string } }).value.id;
    const sent = await kioskPage.call('sendPrompt', { conversationId: id, text: 'hi' });
    expect(sent).toMatchObject({ ok: true, value: { assistantMessageId: expect.any(String) } });
    const stored = (await kioskPage.call('openConversation', { id })) as {
      value: { messages: { text: string }[] };
    };
    expect(stored.value.messages.at(-1)?.text).toBe(`echo from ${welcome.sessionId}: hi`);
    expect(await kioskPage.call('openConversation', { id: UNKNOWN_ID })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // The kiosk is the owner: owner commands run.
    expect(await kioskPage.call('getPairing')).toMatchObject({ ok: true });
    await kioskPage.call('deleteConversation', { id });
    await settle();
    // The prompt's two messages, then the deletion, numbered in order.
    const events = kioskPage.frames.filter((f) => f.t === 'event');
    expect(events.map((f) => [f.seq, f.event.type])).toEqual([
      [1, 'message'],
      [2, 'message'],
      [3, 'conversationDeleted'],
    ]);
    expect(events.at(-1)).toEqual({
      t: 'event',
      seq: 3,
      event: { type: 'conversationDeleted', conversationId: id },
    });
    // One envelope: what crossed is exactly the shared client and server frames.
    expect(electron.toMain.every((frame) => clientFrame.safeParse(frame).success)).toBe(true);
    expect(electron.toPage.every((frame) => serverFrame.safeParse(frame).success)).toBe(true);
    expect(electron.toPage.slice(0, 2).map((frame) => (frame as { t: string }).t)).toEqual([
      'welcome',
      'snapshot',
    ]);
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_rejected')).toBe(false);
  });

  it('resumes the session of a page that reloaded, with the events it had not processed', async () => {
    const { fake, open } = kiosk();
    const before = open();
    const welcome = await before.hello();
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    fake.events.fire({ type: 'conversationDeleted', conversationId: UNKNOWN_ID });
    await settle();
    // The reloaded page says hello on the same channel, naming what it processed.
    const after = open();
    const resume = { sessionId: welcome.sessionId, secret: welcome.secret, lastSeq: 1 };
    expect(await after.hello({ t: 'hello', resume })).toMatchObject({ resumed: true });
    const replayed = after.frames.slice(after.frames.findLastIndex((f) => f.t === 'welcome') + 1);
    expect(replayed).toEqual([
      { t: 'event', seq: 2, event: { type: 'conversationDeleted', conversationId: UNKNOWN_ID } },
    ]);
    expect(fake.hearth.clients.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('answers a frame main cannot read with a clear error, and keeps serving', async () => {
    const { fake, electron, open } = kiosk();
    const kioskPage = open();
    await kioskPage.hello();
    const answered = electron.toPage.length;
    electron.pageIpc(appPage).send(FRAMES_TO_MAIN_CHANNEL, { t: 'call', id: 99, name: 'nope' });
    await settle();
    expect(electron.toPage.slice(answered)).toEqual([
      {
        t: 'result',
        id: 99,
        ok: false,
        error: { code: 'bad_request', message: 'unknown command: nope' },
      },
    ]);
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_bad_frame')).toBe(true);
    expect(await kioskPage.call('listConversations')).toMatchObject({ ok: true, value: [] });
  });

  it('carries audio bytes from the page to the SpeechPort, byte for byte', async () => {
    const { heard, open } = kiosk();
    const kioskPage = open();
    await kioskPage.hello();
    const first = Int16Array.from({ length: 1600 }, (_, i) => i - 800);
    const second = Int16Array.of(32767, -32768, 0, 1);
    kioskPage.bridge.postAudio(
      encodeAudioFrame({ utterance: 1, start: true, end: false, pcm: first }),
    );
    kioskPage.bridge.postAudio(
      encodeAudioFrame({ utterance: 1, start: false, end: true, pcm: second }),
    );
    await settle();
    expect(heard).toHaveLength(1);
    expect(heard[0]?.why).toBe('ended');
    expect([...(heard[0]?.pcm ?? [])]).toEqual([...first, ...second]);
  });

  it('refuses what is not audio bytes, or too many of them, on the audio channel, and keeps serving', async () => {
    const { heard, electron, open } = kiosk();
    const kioskPage = open();
    await kioskPage.hello();
    const answered = electron.toPage.length;
    const send = (payload: unknown) =>
      electron.pageIpc(appPage).send(AUDIO_TO_MAIN_CHANNEL, payload);
    send('a1 00 00 00');
    send({ t: 'call', id: 5, name: 'listConversations', args: {} });
    send([0xa1, 1, 0, 0, 1, 0, 0, 0]);
    send(null);
    send(new Uint8Array(3209).fill(0xa1, 0, 1));
    send(new ArrayBuffer(3));
    await settle();
    const messages = electron.toPage
      .slice(answered)
      .map((f) => f as ResultFrame)
      .map((f) => [f.id, f.ok ? 'ok' : f.error.message]);
    expect(messages).toEqual([
      [-1, 'audio frames are bytes (a Uint8Array or ArrayBuffer), not string'],
      [-1, 'audio frames are bytes (a Uint8Array or ArrayBuffer), not object'],
      [-1, 'audio frames are bytes (a Uint8Array or ArrayBuffer), not array'],
      [-1, 'audio frames are bytes (a Uint8Array or ArrayBuffer), not null'],
      [-1, 'audio frame of 3209 bytes is over the 3208 a frame may hold'],
      [-1, 'bad audio frame: 3 bytes is shorter than its 8-byte header'],
    ]);
    expect(heard).toEqual([]);
    expect(await kioskPage.call('listConversations')).toMatchObject({ ok: true, value: [] });
  });

  it('drops audio from anything but the kiosk page, unanswered', async () => {
    const { heard, fake, electron, open } = kiosk();
    const trusted = open();
    await trusted.hello();
    const answered = electron.toPage.length;
    const stranger = electron.pageIpc({ ...appPage, isMainFrame: false });
    const bytes = encodeAudioFrame({ utterance: 1, start: true, end: true, pcm: Int16Array.of(1) });
    stranger.send(AUDIO_TO_MAIN_CHANNEL, bytes);
    await settle();
    expect(electron.toPage).toHaveLength(answered);
    expect(heard).toEqual([]);
    expect(fake.logger.entries.filter((e) => e.eventType === 'ipc_rejected')).toHaveLength(1);
  });

  it.each([
    ['another window', { ...appPage, webContentsId: KIOSK_ID + 1 }],
    ['an iframe in the kiosk page', { ...appPage, isMainFrame: false }],
    ['another page in the kiosk window', { ...appPage, frameUrl: 'https://example.com/' }],
    ['a frame that is gone', { ...appPage, frameUrl: null }],
  ])('drops every frame from %s unanswered, and logs it', async (_who, sender) => {
    const { fake, electron, open } = kiosk();
    const trusted = open();
    await trusted.hello();
    const stranger = electron.pageIpc(sender);
    const created = await trusted.call('newConversation');
    const id = (created as { value: { id: string } }).value.id;
    const frame = { t: 'call', id: 1, name: 'deleteConversation', args: { id } };
    const answered = electron.toPage.length;

    // Checked per frame: a trusted page having spoken first lets nothing else through.
    stranger.send(FRAMES_TO_MAIN_CHANNEL, { t: 'hello' });
    stranger.send(FRAMES_TO_MAIN_CHANNEL, frame);
    await settle();
    expect(electron.toPage).toHaveLength(answered);
    expect(await trusted.call('listConversations')).toMatchObject({ value: [{ id }] });
    expect(fake.logger.entries.filter((e) => e.eventType === 'ipc_rejected')).toHaveLength(2);
  });

  it('counts the kiosk as a client once its page says hello; after dispose it hears and sends nothing', async () => {
    const { fake, electron, serving, open } = kiosk();
    expect(fake.hearth.clients.counts().connected).toBe(0);
    const kioskPage = open();
    await kioskPage.hello();
    expect(fake.hearth.clients.counts().connected).toBe(1);
    await kioskPage.call('listConversations');
    const sent = electron.toPage.length;

    serving.dispose();
    expect(fake.hearth.clients.counts().connected).toBe(0);
    expect(electron.mainHandlers.get(FRAMES_TO_MAIN_CHANNEL)?.size).toBe(0);
    expect(electron.mainHandlers.get(AUDIO_TO_MAIN_CHANNEL)?.size).toBe(0);
    // Its session waits for the page like any other.
    expect(fake.hearth.clients.counts()).toEqual({ connected: 0, disconnected: 1 });
    electron.pageIpc(appPage).send(FRAMES_TO_MAIN_CHANNEL, { t: 'call', id: 50, name: 'stop' });
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await settle();
    expect(electron.toPage).toHaveLength(sent);
  });

  it('sends nothing to a window that is destroyed', async () => {
    const { fake, electron, open } = kiosk();
    const kioskPage = open();
    await kioskPage.hello();
    const send = vi.spyOn(electron.window.webContents, 'send');
    electron.destroy();
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await settle();
    expect(send).not.toHaveBeenCalled();
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_event_failed')).toBe(false);
  });
});
