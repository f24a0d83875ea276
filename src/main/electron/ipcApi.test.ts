// The kiosk's whole API path without Electron: the renderer's transport over the
// real preload bridge, over a stand-in for Electron IPC, into serveIpcApi.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { FRAMES_TO_MAIN_CHANNEL } from '../../shared/channels';
import type { Subscription } from '../../shared/emitter';
import type { HearthTransport } from '../../shared/transport';
import { callFrame, serverFrame } from '../../shared/wire';
import { createBridge, type BridgeIpc } from '../../preload/bridge';
import { createIpcTransport } from '../../renderer/src/transport/ipcTransport';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { serveIpcApi, type IpcFrameEvent, type IpcReceiver, type KioskPage } from './ipcApi';

const APP_URL = 'file:///opt/hearth/out/renderer/index.html';
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

const cleanup: (Subscription | HearthTransport)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const item of cleanup.splice(0)) {
    if ('close' in item) item.close();
    else item.dispose();
  }
});

function kiosk() {
  const fake = createTestHearth();
  const electron = fakeElectron();
  const serving = serveIpcApi({
    ipc: electron.ipcMain,
    hearth: fake.hearth,
    window: electron.window,
    appUrl: APP_URL,
    logger: fake.logger,
  });
  cleanup.push(serving);
  const open = (from: PageSender = appPage) => {
    const transport = createIpcTransport(createBridge(electron.pageIpc(from)));
    cleanup.push(transport);
    return transport;
  };
  return { fake, electron, serving, open };
}

describe('the kiosk API over IPC', () => {
  it('converses through the bridge with the frames a WebSocket carries', async () => {
    const { fake, electron, open } = kiosk();
    const transport = open();
    const events: HearthEvent[] = [];
    transport.onEvent((event) => events.push(event));

    const created = await transport.call('newConversation', {});
    const sent = await transport.call('sendPrompt', { conversationId: created.id, text: 'hi' });
    expect(sent.assistantMessage.text).toBe('echo from kiosk: hi');
    await expect(transport.call('openConversation', { id: UNKNOWN_ID })).rejects.toMatchObject({
      code: 'not_found',
    });
    await transport.call('deleteConversation', { id: created.id });
    await settle();
    expect(events).toEqual([{ type: 'conversationDeleted', conversationId: created.id }]);

    // One envelope: what crossed is exactly the shared call, result and event frames.
    expect(electron.toMain.every((frame) => callFrame.safeParse(frame).success)).toBe(true);
    expect(electron.toPage.every((frame) => serverFrame.safeParse(frame).success)).toBe(true);
    expect(electron.toPage.map((frame) => (frame as { t: string }).t)).toEqual([
      'result',
      'result',
      'result',
      'event',
      'result',
    ]);
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_rejected')).toBe(false);
  });

  it('answers a frame main cannot read with a clear error, and keeps serving', async () => {
    const { fake, electron, open } = kiosk();
    const transport = open();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    electron.pageIpc(appPage).send(FRAMES_TO_MAIN_CHANNEL, { t: 'call', id: 99, name: 'nope' });
    await settle();
    expect(electron.toPage).toEqual([
      {
        t: 'result',
        id: 99,
        ok: false,
        error: { code: 'bad_request', message: 'unknown command: nope' },
      },
    ]);
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_bad_frame')).toBe(true);
    // The page was told too: an error that belongs to none of its calls is not swallowed.
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/unknown command: nope/);
    expect(await transport.call('listConversations', {})).toEqual([]);
  });

  it.each([
    ['another window', { ...appPage, webContentsId: KIOSK_ID + 1 }],
    ['an iframe in the kiosk page', { ...appPage, isMainFrame: false }],
    ['another page in the kiosk window', { ...appPage, frameUrl: 'https://example.com/' }],
    ['a frame that is gone', { ...appPage, frameUrl: null }],
  ])('drops every frame from %s unanswered, and logs it', async (_who, sender) => {
    const { fake, electron, open } = kiosk();
    const trusted = open();
    const stranger = electron.pageIpc(sender);
    const created = await trusted.call('newConversation', {});
    const frame = { t: 'call', id: 1, name: 'deleteConversation', args: { id: created.id } };
    const answered = electron.toPage.length;

    // Checked per frame: a trusted page having spoken first lets nothing else through.
    stranger.send(FRAMES_TO_MAIN_CHANNEL, frame);
    stranger.send(FRAMES_TO_MAIN_CHANNEL, frame);
    await settle();
    expect(electron.toPage).toHaveLength(answered);
    expect(await trusted.call('listConversations', {})).toHaveLength(1);
    expect(fake.logger.entries.filter((e) => e.eventType === 'ipc_rejected')).toHaveLength(2);
  });

  it('counts the kiosk as a client while served; after dispose it hears and sends nothing', async () => {
    const { fake, electron, serving, open } = kiosk();
    expect(fake.hearth.clients.count).toBe(1);
    const transport = open();
    await transport.call('listConversations', {});
    const sent = electron.toPage.length;

    serving.dispose();
    expect(fake.hearth.clients.count).toBe(0);
    expect(electron.mainHandlers.get(FRAMES_TO_MAIN_CHANNEL)?.size).toBe(0);
    expect(fake.hearth.events.size).toBe(0);
    electron.pageIpc(appPage).send(FRAMES_TO_MAIN_CHANNEL, { t: 'call', id: 50, name: 'stop' });
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await settle();
    expect(electron.toPage).toHaveLength(sent);
  });

  it('sends nothing to a window that is destroyed', async () => {
    const { fake, electron } = kiosk();
    const send = vi.spyOn(electron.window.webContents, 'send');
    electron.destroy();
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await settle();
    expect(send).not.toHaveBeenCalled();
    expect(fake.logger.entries.some((e) => e.eventType === 'ipc_event_failed')).toBe(false);
  });
});
