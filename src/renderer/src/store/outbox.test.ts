// A prompt is never silently dropped and never sent twice: typed offline it
// waits, visibly, for the link; cut off in flight it is checked before resending.
import { describe, expect, it } from 'vitest';
import type { Conversation, HearthEvent, Message } from '../../../shared/api';
import {
  connectedHearths,
  conversation,
  message,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';

const connect = connectedHearths();

/**
 * A server holding one conversation 'c' that takes prompts. While `cut` is
 * 'after', a prompt is stored but its reply never comes; while 'before', the
 * prompt itself never arrives.
 */
function server() {
  const stored: Conversation = conversation('c', [message('u0', 'user', 'earlier')]);
  let next = 1;
  let cut: 'before' | 'after' | undefined;
  /** Where the server's events go: the connected fake transport, once there is one. */
  const wire = { emit: (event: HearthEvent): void => void event };
  const handlers = {
    getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
    openConversation: () => structuredClone(stored),
    sendPrompt: ({ text }: { conversationId: string; text: string }) => {
      if (cut === 'before') return new Promise<never>(() => {});
      const n = next++;
      const userMessage: Message = message(`u${n}`, 'user', text);
      const assistantMessage: Message = message(`a${n}`, 'assistant', '', 'queued');
      stored.messages.push(userMessage, assistantMessage);
      // As the real server does: both messages go out as events before the reply.
      for (const added of [userMessage, assistantMessage]) {
        wire.emit({ type: 'message', conversationId: 'c', message: added });
      }
      if (cut === 'after') return new Promise<never>(() => {});
      return { userMessageId: userMessage.id, assistantMessageId: assistantMessage.id };
    },
  };
  return {
    handlers,
    wire,
    cutLink: (when: 'before' | 'after' | undefined) => (cut = when),
    prompts: () => stored.messages.filter((m) => m.role === 'user').map((m) => m.text),
  };
}

describe('prompts while the link is down', () => {
  it('waits visibly while offline and is sent once the session is back, in the order typed', async () => {
    const hub = server();
    const { hearth, fake } = await connect(hub.handlers);
    hub.wire.emit = (event) => fake.emit(event);
    fake.drop();
    expect(await hearth.actions.send('first')).toBe(true);
    expect(await hearth.actions.send('second')).toBe(true);
    const waiting = hearth.store.getState().pending;
    expect(waiting.map((p) => p.text)).toEqual(['first', 'second']);
    expect(hub.prompts()).toEqual(['earlier']);

    fake.resume();
    await settle();
    // The second waits for the first one's answer, as the Send button would.
    expect(hub.prompts()).toEqual(['earlier', 'first']);
    expect(hearth.store.getState().pending.map((p) => p.text)).toEqual(['second']);

    fake.emit({
      type: 'message',
      conversationId: 'c',
      message: message('a1', 'assistant', 'Done.', 'complete'),
    });
    await settle();
    expect(hub.prompts()).toEqual(['earlier', 'first', 'second']);
    expect(hearth.store.getState().pending).toEqual([]);
  });

  it('does not send again a prompt that reached the server before the link dropped', async () => {
    const hub = server();
    const { hearth, fake } = await connect(hub.handlers);
    hub.wire.emit = (event) => fake.emit(event);
    hub.cutLink('after'); // the server gets the prompt; its reply is lost
    const sending = hearth.actions.send('hello');
    await settle();
    fake.drop();
    expect(await sending).toBe(true);
    expect(hearth.store.getState().pending[0]).toMatchObject({ text: 'hello', inDoubt: true });

    hub.cutLink(undefined);
    fake.resume();
    await settle();
    await settle();
    expect(hub.prompts()).toEqual(['earlier', 'hello']);
    expect(fake.calls.filter((c) => c.name === 'sendPrompt')).toHaveLength(1);
    expect(hearth.store.getState().pending).toEqual([]);
    expect(hearth.store.getState().current?.messages.map((m) => m.text)).toContain('hello');
  });

  it('sends once more a prompt that was cut off before the server got it', async () => {
    const hub = server();
    const { hearth, fake } = await connect(hub.handlers);
    hub.wire.emit = (event) => fake.emit(event);
    hub.cutLink('before');
    const sending = hearth.actions.send('hello');
    await settle();
    fake.drop();
    expect(await sending).toBe(true);

    hub.cutLink(undefined);
    fake.resume();
    await settle();
    await settle();
    expect(fake.calls.filter((c) => c.name === 'sendPrompt')).toHaveLength(2);
    expect(hub.prompts()).toEqual(['earlier', 'hello']);
    expect(hearth.store.getState().pending).toEqual([]);
  });
});
