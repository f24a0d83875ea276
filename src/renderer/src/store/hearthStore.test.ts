import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  conversation,
  fakeTransport,
  manualFrames,
  message,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';
import { createHearthStore, type HearthStore } from './hearthStore';

let hearth: HearthStore | undefined;
afterEach(() => {
  hearth?.dispose();
  hearth = undefined;
});

describe('hearth store', () => {
  it('on connect loads the snapshot and opens the most recent conversation', async () => {
    const fake = fakeTransport({
      getSnapshot: () =>
        snapshot([
          { id: 'old', updatedAt: 1 },
          { id: 'recent', updatedAt: 9 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    const state = hearth.store.getState();
    expect(state.synced).toBe(true);
    expect(state.model?.name).toBe('stories260K');
    expect(state.current?.id).toBe('recent');
    expect(fake.calls.map((c) => c.name)).toEqual(['getSnapshot', 'openConversation']);
  });

  it('creates a conversation when there is none', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot(),
      newConversation: () => conversation('fresh'),
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    expect(hearth.store.getState().current?.id).toBe('fresh');
    expect(hearth.store.getState().conversations.map((c) => c.id)).toEqual(['fresh']);
  });

  it('applies many token events as one state update per animation frame', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () =>
        conversation('c', [message('u', 'user', 'hi'), message('a', 'assistant', '', 'streaming')]),
    });
    const clock = manualFrames();
    hearth = createHearthStore(fake.transport, { frames: clock.frames });
    fake.link({ state: 'connected' });
    await settle();

    const updates = vi.fn();
    const unsubscribe = hearth.store.subscribe(updates);
    for (const text of ['Once', ' upon', ' a', ' time']) {
      fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text });
    }
    expect(updates).not.toHaveBeenCalled();
    expect(clock.scheduled).toBe(1);

    clock.runFrame();
    expect(updates).toHaveBeenCalledTimes(1);
    expect(hearth.store.getState().current?.messages[1]?.text).toBe('Once upon a time');

    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: '.' });
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: ' The' });
    clock.runFrame();
    expect(updates).toHaveBeenCalledTimes(2);
    expect(hearth.store.getState().current?.messages[1]?.text).toBe('Once upon a time. The');
    unsubscribe();
  });

  it('applies buffered text before a later event, in one update, and the event wins', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'streaming')]),
    });
    const clock = manualFrames();
    hearth = createHearthStore(fake.transport, { frames: clock.frames });
    fake.link({ state: 'connected' });
    await settle();

    const updates = vi.fn();
    const unsubscribe = hearth.store.subscribe(updates);
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: 'Hello' });
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: ' there' });
    fake.emit({
      type: 'message',
      conversationId: 'c',
      message: {
        ...message('a', 'assistant', 'Hello there', 'complete'),
        stats: { tokens: 2, tokensPerSecond: 40, timeToFirstTokenMs: 12 },
      },
    });
    expect(updates).toHaveBeenCalledTimes(1);
    clock.runFrame(); // nothing left to apply
    expect(updates).toHaveBeenCalledTimes(1);
    const answer = hearth.store.getState().current?.messages[0];
    expect(answer?.text).toBe('Hello there');
    expect(answer?.status).toBe('complete');
    unsubscribe();
  });

  it('ignores tokens for a conversation that is not open', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'streaming')]),
    });
    const clock = manualFrames();
    hearth = createHearthStore(fake.transport, { frames: clock.frames });
    fake.link({ state: 'connected' });
    await settle();
    fake.emit({ type: 'tokens', conversationId: 'other', messageId: 'a', text: 'x' });
    expect(clock.scheduled).toBe(0);
  });

  it('send adds both messages without overwriting text that events already streamed', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      sendPrompt: () => {
        // The server's events overtake the call's reply.
        fake.emit({ type: 'message', conversationId: 'c', message: message('u', 'user', 'hi') });
        fake.emit({
          type: 'message',
          conversationId: 'c',
          message: message('a', 'assistant', 'Already', 'streaming'),
        });
        return {
          userMessage: message('u', 'user', 'hi'),
          assistantMessage: message('a', 'assistant', '', 'queued'),
        };
      },
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    expect(await hearth.actions.send('  hi  ')).toBe(true);
    expect(fake.calls.at(-1)).toEqual({
      name: 'sendPrompt',
      args: { conversationId: 'c', text: 'hi' },
    });
    const messages = hearth.store.getState().current?.messages;
    expect(messages?.map((m) => [m.id, m.text])).toEqual([
      ['u', 'hi'],
      ['a', 'Already'],
    ]);
  });

  it('reports a failed command as a problem', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      sendPrompt: () => {
        throw new Error('No model is loaded');
      },
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    expect(await hearth.actions.send('hi')).toBe(false);
    expect(hearth.store.getState().problem).toBe('No model is loaded');
  });

  it('opens another conversation when the open one is deleted', async () => {
    const fake = fakeTransport({
      getSnapshot: () =>
        snapshot([
          { id: 'a', updatedAt: 2 },
          { id: 'b', updatedAt: 1 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
      deleteConversation: () => ({ ok: true }),
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    expect(hearth.store.getState().current?.id).toBe('a');
    await hearth.actions.deleteConversation('a');
    await settle();
    expect(hearth.store.getState().current?.id).toBe('b');
    expect(hearth.store.getState().conversations.map((c) => c.id)).toEqual(['b']);
  });

  it('reopens the same conversation after a reconnect', async () => {
    const fake = fakeTransport({
      getSnapshot: () =>
        snapshot([
          { id: 'a', updatedAt: 2 },
          { id: 'b', updatedAt: 1 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
    });
    hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    fake.link({ state: 'connected' });
    await settle();
    await hearth.actions.openConversation('b');
    fake.link({ state: 'reconnecting', attempt: 1, maxAttempts: 10 });
    expect(hearth.store.getState().synced).toBe(false);
    fake.link({ state: 'connected' });
    await settle();
    expect(hearth.store.getState().current?.id).toBe('b');
  });

  it('records why a queued answer waits until it starts', async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'queued')]),
    });
    const clock = manualFrames();
    hearth = createHearthStore(fake.transport, { frames: clock.frames });
    fake.link({ state: 'connected' });
    await settle();
    fake.emit({
      type: 'queue',
      conversationId: 'c',
      messageId: 'a',
      position: 0,
      reason: 'Cooling down',
    });
    expect(hearth.store.getState().queue['a']).toEqual({ position: 0, reason: 'Cooling down' });
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text: 'Hi' });
    clock.runFrame();
    expect(hearth.store.getState().queue['a']).toBeUndefined();
    expect(hearth.store.getState().current?.messages[0]?.status).toBe('streaming');
  });
});
