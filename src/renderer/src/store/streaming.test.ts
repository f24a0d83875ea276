// Streamed text is buffered for one animation frame. Other events arriving in
// that frame must not lose or reorder it: the test looks at the visible text
// before any final full-text message could paper over a loss.
import { describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../../shared/api';
import { connectedHearths, conversation, message, snapshot } from '../../../testing/rendererFakes';

const connect = connectedHearths();

async function streamingAnswer() {
  const { hearth, fake, clock } = await connect({
    getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
    openConversation: () =>
      conversation('c', [
        message('u', 'user', 'Tell me a story'),
        message('a', 'assistant', '', 'streaming'),
        message('u2', 'user', 'And another'),
        message('b', 'assistant', '', 'queued'),
      ]),
  });
  const store = hearth.store;
  const token = (text: string) =>
    fake.emit({ type: 'tokens', conversationId: 'c', messageId: 'a', text });
  const answerText = () => store.getState().current?.messages.find((m) => m.id === 'a')?.text;
  return { fake, clock, store, token, answerText };
}

const midStream: [string, HearthEvent][] = [
  [
    'a thermal status',
    {
      type: 'thermal',
      thermal: { ...snapshot().thermal, protection: true, temperatureC: 86 },
    },
  ],
  ['a temperature reading', { type: 'thermalReading', reading: { time: 5, temperatureC: 70 } }],
  [
    'a queue update',
    { type: 'queue', conversationId: 'c', messageId: 'b', position: 0, reason: 'Cooling down' },
  ],
];

describe('streamed text with other events in the same frame', () => {
  it.each(midStream)(
    'keeps every token, in order, when %s arrives mid-stream',
    async (_, event) => {
      const { fake, clock, token, answerText } = await streamingAnswer();
      token('Once');
      token(' upon');
      fake.emit(event);
      // The event is applied together with the text buffered before it.
      expect(answerText()).toBe('Once upon');
      token(' a');
      token(' time');
      expect(clock.scheduled).toBe(1);
      clock.runFrame();
      expect(answerText()).toBe('Once upon a time');
      expect(clock.scheduled).toBe(0);
    },
  );

  it('applies the event itself as well as the text', async () => {
    const { fake, clock, store, token, answerText } = await streamingAnswer();
    token('Hello');
    fake.emit({
      type: 'queue',
      conversationId: 'c',
      messageId: 'b',
      position: 0,
      reason: 'Cooling down',
    });
    fake.emit({ type: 'thermalReading', reading: { time: 5, temperatureC: 70 } });
    token(' world');
    clock.runFrame();
    expect(answerText()).toBe('Hello world');
    expect(store.getState().queue['b']).toEqual({ position: 0, reason: 'Cooling down' });
    expect(store.getState().thermal?.temperatureC).toBe(70);
  });
});
