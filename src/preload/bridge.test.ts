import { describe, expect, it } from 'vitest';
import { createBridge, type BridgeIpc } from './bridge';
import {
  AUDIO_TO_MAIN_CHANNEL,
  FRAMES_TO_MAIN_CHANNEL,
  FRAMES_TO_PAGE_CHANNEL,
  SPEECH_TO_PAGE_CHANNEL,
} from '../shared/channels';

/** Stands in for ipcRenderer: records sends, and delivers messages the way Electron does. */
function fakeIpc() {
  const sent: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, frame: unknown) => void>>();
  const ipc: BridgeIpc = {
    send: (...args) => {
      sent.push(args);
    },
    on: (channel, handler) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(handler);
      listeners.set(channel, set);
    },
    removeListener: (channel, handler) => listeners.get(channel)?.delete(handler),
  };
  const event = { sender: { send: () => {} }, senderId: 0 };
  const deliver = (channel: string, frame: unknown) => {
    for (const handler of listeners.get(channel) ?? []) handler(event, frame);
  };
  return { ipc, sent, listeners, deliver, event };
}

describe('preload bridge', () => {
  it('exposes exactly a message port: post, postAudio, onFrame and onSpeech, all plain functions', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['onFrame', 'onSpeech', 'post', 'postAudio']);
    expect(typeof bridge.onSpeech).toBe('function');
    expect(typeof bridge.post).toBe('function');
    expect(typeof bridge.postAudio).toBe('function');
    expect(typeof bridge.onFrame).toBe('function');
  });

  it('posts audio bytes, as they are, on the audio channel only', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const bytes = Uint8Array.of(0xa1, 1, 0, 0, 7, 0, 0, 0, 1, 2);
    bridge.postAudio(bytes);
    expect(fake.sent).toEqual([[AUDIO_TO_MAIN_CHANNEL, bytes]]);
  });

  it('posts each frame, and nothing else, on the channel to main', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const frame = { t: 'call', id: 1, name: 'listConversations', args: {} };
    bridge.post(frame);
    expect(fake.sent).toEqual([[FRAMES_TO_MAIN_CHANNEL, frame]]);
  });

  it('passes only the frame to listeners, never the IPC event, and only from the page channel', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const seen: unknown[][] = [];
    bridge.onFrame((...args) => seen.push(args));
    const frame = { t: 'event', event: { type: 'tokens', text: 'a' } };
    fake.deliver(FRAMES_TO_PAGE_CHANNEL, frame);
    fake.deliver(FRAMES_TO_MAIN_CHANNEL, { t: 'event', event: { type: 'echo' } });
    fake.deliver('other', { t: 'event' });
    expect(seen).toEqual([[frame]]);
    expect(seen.flat()).not.toContain(fake.event);
  });

  it('hands the page speech bytes from the speech channel only, and nothing that is not bytes', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const heard: unknown[][] = [];
    const off = bridge.onSpeech((...args) => heard.push(args));
    const bytes = Uint8Array.of(0xa2, 1, 2);
    fake.deliver(SPEECH_TO_PAGE_CHANNEL, bytes);
    fake.deliver(SPEECH_TO_PAGE_CHANNEL, 'not bytes');
    fake.deliver(FRAMES_TO_PAGE_CHANNEL, Uint8Array.of(9));
    off();
    fake.deliver(SPEECH_TO_PAGE_CHANNEL, bytes);
    expect(heard).toEqual([[bytes]]);
  });

  it('unsubscribes one listener without touching the others', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = bridge.onFrame((frame) => first.push(frame));
    bridge.onFrame((frame) => second.push(frame));
    fake.deliver(FRAMES_TO_PAGE_CHANNEL, 'a');
    off();
    fake.deliver(FRAMES_TO_PAGE_CHANNEL, 'b');
    expect(first).toEqual(['a']);
    expect(second).toEqual(['a', 'b']);
    expect(fake.listeners.get(FRAMES_TO_PAGE_CHANNEL)?.size).toBe(1);
  });
});
