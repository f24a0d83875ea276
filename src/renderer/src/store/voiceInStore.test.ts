// The voice inside the Hearth store, on the real voice link over a fake
// transport: speech frames and voice events as main sends them, the snapshot's
// voice availability, a typed prompt's answer spoken when the switch is on, and
// Talk opening a conversation when none is open.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSnapshot, Message } from '../../../shared/api';
import { encodeSpeechFrame } from '../../../shared/audio';
import {
  conversation,
  fakeTransport,
  manualFrames,
  message,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';
import { FakePlayer, MapMemory } from '../../../testing/voiceFakes';
import type { MicCapture } from '../voice/micCapture';
import { VOICE_PREFS_KEY } from '../voice/voicePrefs';
import { createHearthStore, type HearthStore } from './hearthStore';

const ANSWER = '0b7e6a52-43f1-4f0e-9d55-3c1f3b2a9e10';

const opened: HearthStore[] = [];
afterEach(() => {
  for (const hearth of opened.splice(0)) hearth.dispose();
});

/** A store on a fake transport with this device's stored switches; the microphone never opens. */
function hearthOn(fake: ReturnType<typeof fakeTransport>, prefs?: string) {
  const memory = new MapMemory(prefs ? new Map([[VOICE_PREFS_KEY, prefs]]) : new Map());
  const player = new FakePlayer();
  const hearth = createHearthStore(fake.transport, {
    frames: manualFrames().frames,
    voice: {
      memory,
      player,
      unavailable: () => undefined,
      openCapture: () => new Promise<MicCapture>(() => {}),
    },
  });
  opened.push(hearth);
  return { hearth, player, state: () => hearth.store.getState() };
}

/** A server with one conversation 'c' that takes typed prompts. */
function promptServer(extra: Partial<AppSnapshot> = {}) {
  let n = 0;
  const stored = conversation('c', []);
  const handlers = {
    getSnapshot: () => ({ ...snapshot([{ id: 'c', updatedAt: 1 }]), ...extra }),
    openConversation: () => structuredClone(stored),
    sendPrompt: () => {
      n++;
      const prompt: Message = message(`u${n}`, 'user', 'hi');
      const answer: Message = message(`a${n}`, 'assistant', '', 'queued');
      stored.messages.push(prompt, answer);
      return { userMessageId: prompt.id, assistantMessageId: answer.id };
    },
    speakAnswer: () => ({ ok: true }),
  };
  return handlers;
}

describe('the voice in the Hearth store', () => {
  it("starts with this device's switches; speech frames play; barge-in stops the answer as Stop does", async () => {
    const fake = fakeTransport({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () =>
        conversation('c', [
          message('u', 'user', 'Hi'),
          message(ANSWER, 'assistant', 'Once', 'streaming'),
        ]),
      stop: () => ({ stopped: true }),
      stopSpeech: () => ({ ok: true }),
    });
    const { hearth, player, state } = hearthOn(fake, '{"speakAnswers":true}');
    // From the first render on, before any action.
    expect(hearth.store.getInitialState()).toMatchObject({ speakAnswers: true, handsFree: false });
    await fake.start();
    await settle();
    fake.speak(
      encodeSpeechFrame({
        answerId: ANSWER,
        sampleRate: 16_000,
        pcm: new Int16Array(800),
        last: false,
      }),
    );
    expect(player.played).toEqual([{ samples: 800, sampleRate: 16_000 }]);
    expect(state().voiceState).toBe('speaking');
    hearth.voice.talk();
    await settle();
    expect(fake.calls.filter((c) => c.name === 'stop' || c.name === 'stopSpeech')).toEqual([
      { name: 'stopSpeech', args: { messageId: ANSWER } },
      { name: 'stop', args: { conversationId: 'c' } },
    ]);
    expect(state().voiceState).toBe('listening');
  });

  it("asks for a typed prompt's answer to be spoken, after sendPrompt, only while Speak answers is on", async () => {
    const off = fakeTransport(promptServer());
    const quiet = hearthOn(off);
    await off.start();
    await settle();
    await quiet.hearth.actions.send('hi');
    await settle();
    expect(off.calls.map((c) => c.name)).not.toContain('speakAnswer');

    const on = fakeTransport(promptServer());
    const speaking = hearthOn(on, '{"speakAnswers":true}');
    await on.start();
    await settle();
    await speaking.hearth.actions.send('hi');
    await settle();
    const names = on.calls.map((c) => c.name);
    expect(names.slice(names.indexOf('sendPrompt'))).toEqual(['sendPrompt', 'speakAnswer']);
    expect(on.calls.at(-1)?.args).toEqual({ conversationId: 'c', messageId: 'a1' });

    // Switched off: the next typed prompt's answer is not spoken.
    speaking.hearth.voice.setSpeakAnswers(false);
    await speaking.hearth.actions.send('again');
    await settle();
    expect(on.calls.filter((c) => c.name === 'speakAnswer')).toHaveLength(1);
  });

  it("Talk is unavailable, with Hearth's reason, when the snapshot says it cannot hear", async () => {
    const fake = fakeTransport(
      promptServer({ voice: { canHear: false, canSpeak: true, note: 'No speech recognizer.' } }),
    );
    const { hearth, state } = hearthOn(fake);
    expect(state().talkUnavailable).toBeUndefined();
    await fake.start();
    await settle();
    expect(state().talkUnavailable).toBe('No speech recognizer.');
    hearth.voice.talk();
    expect(state()).toMatchObject({ voiceState: 'idle', micError: 'No speech recognizer.' });
  });

  it('Talk with no conversation open creates one and opens it', async () => {
    let refuse = true;
    const fake = fakeTransport({
      getSnapshot: () => snapshot([]),
      newConversation: () => {
        // The first attempt (the store's own, on start) fails: nothing is open.
        if (refuse) throw new Error('Too many new conversations; try again in a minute.');
        return conversation('fresh');
      },
    });
    const { hearth, state } = hearthOn(fake);
    await fake.start();
    await settle();
    expect(state().current).toBeNull();
    refuse = false;
    hearth.voice.talk();
    expect(state().voiceState).toBe('listening');
    await settle();
    expect(fake.calls.filter((c) => c.name === 'newConversation')).toHaveLength(2);
    expect(state().current?.id).toBe('fresh');

    // With one open, Talk makes no other.
    const open = fakeTransport(promptServer());
    const other = hearthOn(open);
    await open.start();
    await settle();
    other.hearth.voice.talk();
    await settle();
    expect(other.state().voiceState).toBe('listening');
    expect(open.calls.map((c) => c.name)).not.toContain('newConversation');
  });
});
