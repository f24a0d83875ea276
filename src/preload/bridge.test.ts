import { describe, expect, it } from 'vitest';
import { createBridge, type BridgeIpc } from './bridge';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/channels';

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: BridgeIpc = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, ...args]);
      return { ok: true, value: 'pong' };
    },
    on: (channel, handler) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(handler);
      listeners.set(channel, set);
    },
    removeListener: (channel, handler) => listeners.get(channel)?.delete(handler),
  };
  const emit = (channel: string, payload: unknown) => {
    for (const handler of listeners.get(channel) ?? []) handler({ sender: 'secret' }, payload);
  };
  return { ipc, invoked, listeners, emit };
}

describe('preload bridge', () => {
  it('exposes exactly call and onEvent', () => {
    expect(Object.keys(createBridge(fakeIpc().ipc)).sort()).toEqual(['call', 'onEvent']);
  });

  it('invokes the call channel with the name and arguments', async () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    await expect(bridge.call('listConversations', {})).resolves.toEqual({
      ok: true,
      value: 'pong',
    });
    expect(fake.invoked).toEqual([[CALL_CHANNEL, 'listConversations', {}]]);
  });

  it('passes only the event payload to listeners, and unsubscribes', () => {
    const fake = fakeIpc();
    const bridge = createBridge(fake.ipc);
    const seen: unknown[][] = [];
    const off = bridge.onEvent((...args) => seen.push(args));
    fake.emit(EVENT_CHANNEL, { type: 'tokens', text: 'a' });
    fake.emit('other', { type: 'x' });
    off();
    fake.emit(EVENT_CHANNEL, { type: 'tokens', text: 'b' });
    expect(seen).toEqual([[{ type: 'tokens', text: 'a' }]]);
    expect(fake.listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });
});
