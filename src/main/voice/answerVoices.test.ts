// Speaking answers as they are written, with a voice a test controls: the first
// sentence is spoken before the answer ends, a new answer or Stop cuts the one
// before, and Hearth knows when the client's speaker is playing its voice.
import { describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { decodeSpeechFrame, type SpeechFrame } from '../../shared/audio';
import { Emitter } from '../../shared/emitter';
import { createMemoryLogger } from '../../testing/loggers';
import { AnswerVoices } from './answerVoices';
import { SpeakableText } from './speakable';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function voices(now = () => 0) {
  const events = new Emitter<HearthEvent>();
  const sent: { clientId: string; frame: SpeechFrame }[] = [];
  const spoken: string[] = [];
  const texts = new Map<string, { text: string; done: boolean }>();
  const answers = new AnswerVoices({
    clients: {
      speak: (clientId, bytes) => {
        const frame = decodeSpeechFrame(bytes);
        if ('error' in frame) throw new Error(frame.error);
        sent.push({ clientId, frame });
      },
    },
    answers: {
      subscribe: (listener) => {
        const s = events.subscribe(listener);
        return () => s.dispose();
      },
      current: (_c, id) => texts.get(id),
    },
    // 1.5 s of audio per sentence: more than one frame each.
    voice: () => ({
      sampleRate: 16_000,
      speak: async (sentence) => {
        spoken.push(sentence);
        return new Int16Array(24_000).fill(100);
      },
    }),
    splitter: () => new SpeakableText(),
    logger: createMemoryLogger(),
    now,
  });
  const tokens = (messageId: string, text: string) =>
    events.fire({ type: 'tokens', conversationId: 'c', messageId, text });
  const final = (id: string, text: string) =>
    events.fire({
      type: 'message',
      conversationId: 'c',
      message: { id, role: 'assistant', text, status: 'complete', createdAt: 0 },
    } as HearthEvent);
  return { answers, sent, spoken, texts, tokens, final };
}

describe('speaking answers', () => {
  it('speaks each sentence once it is complete, before the answer has ended', async () => {
    const t = voices();
    t.texts.set(A, { text: '', done: false });
    t.answers.speak('k', 'c', A);
    t.tokens(A, 'The dog ran **fast**. It');
    await expect.poll(() => t.spoken).toEqual(['The dog ran fast.']);
    expect(t.sent.length).toBe(2);
    expect(t.sent.every((s) => s.clientId === 'k' && s.frame.answerId === A && !s.frame.last)).toBe(
      true,
    );
    expect(Math.max(...t.sent.map((s) => s.frame.pcm.length))).toBeLessThanOrEqual(16_000);
    t.tokens(A, ' found a ball');
    t.final(A, 'The dog ran **fast**. It found a ball');
    await expect.poll(() => t.sent.at(-1)?.frame.last).toBe(true);
    expect(t.spoken).toEqual(['The dog ran fast.', 'It found a ball']);
  });

  it('speaks an answer that was already written when asked, from the store', async () => {
    const t = voices();
    t.texts.set(A, { text: 'One. Two.', done: true });
    t.answers.speak('k', 'c', A);
    await expect.poll(() => t.sent.at(-1)?.frame.last).toBe(true);
    expect(t.spoken).toEqual(['One.', 'Two.']);
  });

  it('cuts the answer being spoken when another starts or it is stopped, and sends nothing more', async () => {
    const t = voices();
    t.texts.set(A, { text: '', done: false });
    t.texts.set(B, { text: '', done: false });
    t.answers.speak('k', 'c', A);
    t.answers.speak('k', 'c', B);
    t.tokens(A, 'Old news. ');
    t.tokens(B, 'New news. ');
    await expect.poll(() => t.spoken).toEqual(['New news.']);
    t.answers.stop('k', A); // not the one it hears: nothing changes
    t.answers.stop('k', B);
    t.tokens(B, 'More. ');
    t.final(B, 'New news. More. ');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.spoken).toEqual(['New news.']);
    expect(t.sent.every((s) => s.frame.answerId === B && !s.frame.last)).toBe(true);
  });

  it('knows the client is playing its voice until the audio sent has had time to play', async () => {
    let now = 1000;
    const t = voices(() => now);
    t.texts.set(A, { text: 'Hello there.', done: true });
    expect(t.answers.isPlaying('k')).toBe(false);
    t.answers.speak('k', 'c', A);
    await expect.poll(() => t.sent.at(-1)?.frame.last).toBe(true);
    now += 1400;
    expect(t.answers.isPlaying('k')).toBe(true);
    now += 200; // 1.5 s of audio sent from 1000
    expect(t.answers.isPlaying('k')).toBe(false);
    expect(t.answers.isPlaying('k', 400)).toBe(true);
  });
});
