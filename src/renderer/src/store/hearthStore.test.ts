import { describe, expect, it, vi } from 'vitest';
import {
  connectedHearths,
  conversation,
  message,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';

const connect = connectedHearths();

describe('hearth store', () => {
  it('on connect loads the snapshot and opens the most recent conversation', async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () =>
        snapshot([
          { id: 'old', updatedAt: 1 },
          { id: 'recent', updatedAt: 9 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
    });
    const state = hearth.store.getState();
    expect(state.synced).toBe(true);
    expect(state.model?.name).toBe('stories260K');
    expect(state.current?.id).toBe('recent');
    // The snapshot came with the session; only the conversation to show is asked for.
    expect(fake.calls.map((c) => c.name)).toEqual(['openConversation']);
  });

  it('creates a conversation when there is none', async () => {
    const { hearth } = await connect({
      getSnapshot: () => snapshot(),
      newConversation: () => conversation('fresh'),
    });
    expect(hearth.store.getState().current?.id).toBe('fresh');
    expect(hearth.store.getState().conversations.map((c) => c.id)).toEqual(['fresh']);
  });

  it('applies many token events as one state update per animation frame', async () => {
    const { hearth, fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () =>
        conversation('c', [message('u', 'user', 'hi'), message('a', 'assistant', '', 'streaming')]),
    });

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
    const { hearth, fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'streaming')]),
    });

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
    const { fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'streaming')]),
    });
    fake.emit({ type: 'tokens', conversationId: 'other', messageId: 'a', text: 'x' });
    expect(clock.scheduled).toBe(0);
  });

  it('send shows both messages as their events bring them, each once, with the streamed text', async () => {
    const { hearth, fake } = await connect({
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
        return { userMessageId: 'u', assistantMessageId: 'a' };
      },
    });
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
    const { hearth } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      sendPrompt: () => {
        throw new Error('No model is loaded');
      },
    });
    expect(await hearth.actions.send('hi')).toBe(false);
    expect(hearth.store.getState().problem).toBe('No model is loaded');
  });

  it('opens another conversation when the open one is deleted', async () => {
    const { hearth } = await connect({
      getSnapshot: () =>
        snapshot([
          { id: 'a', updatedAt: 2 },
          { id: 'b', updatedAt: 1 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
      deleteConversation: () => ({ ok: true }),
    });
    expect(hearth.store.getState().current?.id).toBe('a');
    await hearth.actions.deleteConversation('a');
    await settle();
    expect(hearth.store.getState().current?.id).toBe('b');
    expect(hearth.store.getState().conversations.map((c) => c.id)).toEqual(['b']);
  });

  it('reopens the same conversation when a new session replaces an expired one', async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () =>
        snapshot([
          { id: 'a', updatedAt: 2 },
          { id: 'b', updatedAt: 1 },
        ]),
      openConversation: ({ id }: { id: string }) => conversation(id),
    });
    await hearth.actions.openConversation('b');
    fake.drop();
    await fake.start();
    await settle();
    expect(hearth.store.getState().current?.id).toBe('b');
    expect(fake.calls.at(-1)).toEqual({ name: 'openConversation', args: { id: 'b' } });
  });

  it('records why a queued answer waits until it starts', async () => {
    const { hearth, fake, clock } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c', [message('a', 'assistant', '', 'queued')]),
    });
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
