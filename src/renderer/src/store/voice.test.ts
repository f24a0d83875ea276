import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { Emitter } from '../../../shared/emitter';
import { FakeCapture, FakeLink, FakePlayer, MapMemory } from '../../../testing/voiceFakes';
import type { MicCapture, MicCaptureOptions } from '../voice/micCapture';
import { MIC_REFUSED, MIC_NEEDS_SECURE_CONNECTION } from '../voice/micErrors';
import { VOICE_PREFS_KEY, type PrefsMemory } from '../voice/voicePrefs';
import {
  CANNOT_HEAR,
  createVoice,
  initialVoice,
  NO_REPLY,
  type VoiceDeps,
  type TypedPrompt,
  type VoiceSlice,
} from './voice';

interface Opening {
  options: MicCaptureOptions;
  open(): FakeCapture;
  refuse(message: string): void;
}

/** Every controller a test made, disposed after it (their timers with them). */
const made: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((voice) => voice.dispose()));
});

function setup(overrides: Partial<VoiceDeps> = {}) {
  const store = createStore<VoiceSlice>()(() => ({ ...initialVoice }));
  const link = new FakeLink();
  const player = new FakePlayer();
  const memory = new MapMemory();
  const openings: Opening[] = [];
  let stopAnswers = 0;
  let conversationsEnsured = 0;
  const typedPrompts = new Emitter<TypedPrompt>();
  let nextId = 7;
  const deps: VoiceDeps = {
    link,
    player,
    memory,
    unavailable: () => undefined,
    nextUtterance: () => nextId++,
    openCapture: (options) =>
      new Promise<MicCapture>((resolve, reject) => {
        openings.push({
          options,
          open: () => {
            const capture = new FakeCapture(options);
            resolve(capture);
            return capture;
          },
          refuse: (message) => reject(new Error(message)),
        });
      }),
    ...overrides,
  };
  const voice = createVoice(store, deps, {
    stopAnswer: async () => {
      stopAnswers++;
    },
    ensureConversation: async () => {
      conversationsEnsured++;
    },
    onTypedPrompt: (listener) => typedPrompts.subscribe(listener),
  });
  made.push(voice);
  const state = () => store.getState();
  /** Talk, and the microphone opens at once. */
  const listen = async (): Promise<FakeCapture> => {
    voice.talk();
    const capture = openings.at(-1)?.open();
    await settle();
    if (!capture) throw new Error('Talk did not open the microphone');
    return capture;
  };
  const speak = (answerId: string, ms: number, last = false) =>
    link.spoken.fire({ answerId, pcm: new Int16Array(ms * 16), sampleRate: 16_000, last });
  /** Hearth's news of the utterance last opened (or of `utterance`). */
  const hearth = (
    update: { state: 'transcribing' } | { state: 'heardSpeech' } | { state: 'idle'; note?: string },
    utterance = openings.at(-1)?.options.utterance ?? -1,
  ) => link.states.fire({ utterance, ...update });
  return {
    store,
    state,
    voice,
    link,
    player,
    memory,
    openings,
    listen,
    speak,
    hearth,
    typedPrompts,
    stopAnswers: () => stopAnswers,
    conversationsEnsured: () => conversationsEnsured,
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Talk', () => {
  it('idle -> listening (the microphone opens) -> transcribing (the utterance ends) -> idle', async () => {
    const { state, voice, link, openings, listen, hearth } = setup();
    expect(state().voiceState).toBe('idle');
    const capture = await listen();
    expect(state().voiceState).toBe('listening');
    expect(openings[0]?.options.utterance).toBe(7);

    capture.options.onLevel(0.25);
    expect(state().level).toBe(0.25);
    capture.options.send(new Uint8Array([0xa1, 0b01]));
    expect(link.sent).toHaveLength(1);

    voice.talk();
    await settle();
    expect(state().voiceState).toBe('transcribing');
    expect(state().level).toBe(0);
    expect(capture.finished).toBe(1);
    expect(link.sent).toHaveLength(2);
    // The level of a closed microphone does not come back.
    capture.options.onLevel(0.5);
    expect(state().level).toBe(0);

    // A tap while Hearth transcribes starts no second utterance.
    voice.talk();
    expect(openings).toHaveLength(1);

    hearth({ state: 'idle' });
    expect(state().voiceState).toBe('idle');
    expect(state().micError).toBeUndefined();
  });

  it('its actions work unbound, as a button passes them', async () => {
    const { state, voice } = setup();
    const { talk, setHandsFree } = voice;
    talk();
    setHandsFree(true);
    expect(state()).toMatchObject({ voiceState: 'listening', handsFree: true });
  });

  it('a second tap before the microphone has opened ends the utterance as soon as it opens', async () => {
    const { state, voice, openings } = setup();
    voice.talk();
    voice.talk();
    expect(state().voiceState).toBe('transcribing');
    const capture = openings[0]?.open();
    await settle();
    expect(capture?.finished).toBe(1);
  });

  it('a refused permission leaves it idle with the one sentence, and the next Talk clears it', async () => {
    const { state, voice, openings } = setup();
    voice.talk();
    openings[0]?.refuse(MIC_REFUSED);
    await settle();
    expect(state()).toMatchObject({ voiceState: 'idle', micError: MIC_REFUSED, level: 0 });
    voice.talk();
    expect(state().voiceState).toBe('listening');
    expect(state().micError).toBeUndefined();
  });

  it('when this page can never listen, Talk opens nothing and says why', () => {
    const { state, voice, openings } = setup({ unavailable: () => MIC_NEEDS_SECURE_CONNECTION });
    expect(state().talkUnavailable).toBe(MIC_NEEDS_SECURE_CONNECTION);
    voice.talk();
    expect(openings).toHaveLength(0);
    expect(state()).toMatchObject({ voiceState: 'idle', micError: MIC_NEEDS_SECURE_CONNECTION });
  });

  it('a microphone that fails while listening (link down, unplugged) ends it with its sentence', async () => {
    const { state, listen } = setup();
    const capture = await listen();
    capture.options.onFailure('The connection to Hearth dropped while listening.');
    expect(state()).toMatchObject({
      voiceState: 'idle',
      micError: 'The connection to Hearth dropped while listening.',
    });
    // A late level from that microphone changes nothing.
    capture.options.onLevel(0.9);
    expect(state().level).toBe(0);
  });

  it('Hearth ending the utterance itself (it heard the person stop) closes the microphone', async () => {
    const { state, listen, hearth } = setup();
    const capture = await listen();
    hearth({ state: 'transcribing' });
    await settle();
    expect(state().voiceState).toBe('transcribing');
    expect(capture.finished).toBe(1);
  });

  it('nothing heard: idle with the note Hearth sends', async () => {
    const { state, voice, listen, hearth } = setup();
    await listen();
    voice.talk();
    hearth({ state: 'idle', note: "I didn't hear anything." });
    expect(state()).toMatchObject({ voiceState: 'idle', micError: "I didn't hear anything." });
  });

  it('gives up on an utterance Hearth never replies to', async () => {
    const { state, voice, listen } = setup({ transcribeTimeoutMs: 20 });
    await listen();
    voice.talk();
    expect(state().voiceState).toBe('transcribing');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(state()).toMatchObject({ voiceState: 'idle', micError: NO_REPLY });
  });
});

describe('speaking', () => {
  it('speaks an answer as its chunks come, through the gaps between sentences, and is idle after its last', () => {
    const { state, player, speak } = setup();
    speak('a1', 500);
    expect(state().voiceState).toBe('speaking');
    player.drain();
    // The next sentence is still being made: still speaking (Stop speaking stays).
    expect(state().voiceState).toBe('speaking');
    speak('a1', 300);
    speak('a1', 0, true);
    expect(state().voiceState).toBe('speaking');
    player.drain();
    expect(state().voiceState).toBe('idle');
    expect(player.played.map((p) => p.samples)).toEqual([8000, 4800]);
  });

  it('a new answer cuts what is left of the last one', () => {
    const { player, speak } = setup();
    speak('a1', 500);
    const cutsBefore = player.cuts;
    speak('a2', 500);
    expect(player.cuts).toBe(cutsBefore + 1);
    expect(player.queued).toBe(1);
  });

  it('Stop speaking silences it at once, keeps the answer going, and its later chunks stay silent', () => {
    const { state, voice, player, link, speak, stopAnswers } = setup();
    speak('a1', 500);
    voice.stopSpeaking();
    expect(state().voiceState).toBe('idle');
    expect(player.queued).toBe(0);
    expect(link.stopped).toEqual(['a1']);
    expect(stopAnswers()).toBe(0);
    speak('a1', 500, true);
    expect(player.played).toHaveLength(1);
    expect(state().voiceState).toBe('idle');
  });

  it('Talk while speaking barges in: speech cut, answer stopped, listening', () => {
    const { state, voice, player, link, openings, speak, stopAnswers } = setup();
    speak('a1', 500);
    voice.talk();
    expect(player.queued).toBe(0);
    expect(stopAnswers()).toBe(1);
    expect(link.stopped).toEqual(['a1']);
    expect(state().voiceState).toBe('listening');
    expect(openings).toHaveLength(1);
    // The rest of the stopped answer is not played into the open microphone.
    speak('a1', 500);
    expect(player.played).toHaveLength(1);
  });

  it("an answer's speech that arrives while the person talks is not played", async () => {
    const { state, player, link, listen, speak } = setup();
    await listen();
    speak('a9', 500);
    expect(player.played).toHaveLength(0);
    expect(link.stopped).toEqual(['a9']);
    expect(state().voiceState).toBe('listening');
  });
});

describe('hands-free', () => {
  /** Hands-free on: a spoken prompt, Hearth transcribes it, and its answer starts to play. */
  async function answering(options: Partial<VoiceDeps> = {}) {
    const t = setup(options);
    t.voice.setHandsFree(true);
    await t.listen();
    t.voice.talk();
    await settle();
    t.hearth({ state: 'idle' });
    t.speak('a1', 400);
    return t;
  }

  it('opens the microphone for a new utterance as the answer starts to play, and keeps it open through it', async () => {
    const t = await answering();
    expect(t.state()).toMatchObject({ voiceState: 'speaking', micOpen: true });
    expect(t.openings).toHaveLength(2);
    const second = t.openings[1];
    expect(second?.options.utterance).toBe(8);
    const capture = second?.open();
    await settle();
    // Its level shows while Hearth speaks: the microphone is visibly open.
    capture?.options.onLevel(0.2);
    expect(t.state().level).toBe(0.2);
    t.speak('a1', 300, true);
    t.player.drain();
    // Played to the end: simply listening, on the same microphone (no third opening).
    expect(t.state()).toMatchObject({ voiceState: 'listening', micOpen: true });
    expect(t.openings).toHaveLength(2);
    expect(capture?.finished).toBe(0);
    expect(t.player.played).toHaveLength(2);
  });

  it('Hearth hearing the person over the answer cuts the speech, stops the answer and keeps listening to them', async () => {
    const t = await answering();
    const capture = t.openings[1]?.open();
    await settle();
    t.hearth({ state: 'heardSpeech' });
    expect(t.player.queued).toBe(0);
    expect(t.link.stopped).toEqual(['a1']);
    expect(t.stopAnswers()).toBe(1);
    expect(t.state()).toMatchObject({ voiceState: 'listening', micOpen: true });
    // The utterance goes on: no new microphone, nothing ended yet.
    expect(t.openings).toHaveLength(2);
    expect(capture?.finished).toBe(0);
    // The rest of the stopped answer is not played into the open microphone.
    t.speak('a1', 300, true);
    expect(t.player.played).toHaveLength(1);
    // The person pauses: Hearth ends the utterance, the microphone sends its end and closes.
    t.hearth({ state: 'transcribing' });
    await settle();
    expect(t.state()).toMatchObject({ voiceState: 'transcribing', micOpen: false });
    expect(capture?.finished).toBe(1);
  });

  it('Talk over the answer in hands-free keeps the microphone that is already open', async () => {
    const t = await answering();
    t.openings[1]?.open();
    await settle();
    t.voice.talk();
    expect(t.stopAnswers()).toBe(1);
    expect(t.state()).toMatchObject({ voiceState: 'listening', micOpen: true });
    expect(t.openings).toHaveLength(2);
  });

  it('an utterance Hearth ended during the answer without a heardSpeech is a barge-in too', async () => {
    const t = await answering();
    const capture = t.openings[1]?.open();
    await settle();
    t.hearth({ state: 'transcribing' });
    await settle();
    expect(t.stopAnswers()).toBe(1);
    expect(t.player.queued).toBe(0);
    expect(t.state().voiceState).toBe('transcribing');
    expect(capture?.finished).toBe(1);
  });

  it('heardSpeech changes nothing in push-to-talk, or for another utterance', async () => {
    const ptt = setup();
    await ptt.listen();
    ptt.voice.talk();
    ptt.hearth({ state: 'idle' });
    ptt.speak('a1', 400);
    ptt.hearth({ state: 'heardSpeech' });
    expect(ptt.state()).toMatchObject({ voiceState: 'speaking', micOpen: false });
    expect(ptt.stopAnswers()).toBe(0);

    const t = await answering();
    t.hearth({ state: 'heardSpeech' }, 7);
    expect(t.state().voiceState).toBe('speaking');
    expect(t.stopAnswers()).toBe(0);
  });

  it('Stop speaking silences the answer and leaves the hands-free microphone listening', async () => {
    const t = await answering();
    t.openings[1]?.open();
    await settle();
    t.voice.stopSpeaking();
    expect(t.state()).toMatchObject({ voiceState: 'listening', micOpen: true });
    expect(t.link.stopped).toEqual(['a1']);
    expect(t.stopAnswers()).toBe(0);
  });

  it('turned off during the answer, it closes the microphone it opened; its "nothing heard" is not shown', async () => {
    const t = await answering();
    const capture = t.openings[1]?.open();
    await settle();
    t.voice.setHandsFree(false);
    await settle();
    // Dropped (a drop frame), not ended: Hearth does not transcribe what it heard.
    expect(capture?.finished).toBe(0);
    expect(capture?.dropped).toBe(1);
    expect(t.state()).toMatchObject({ voiceState: 'speaking', micOpen: false, level: 0 });
    t.hearth({ state: 'transcribing' }, 8);
    t.hearth({ state: 'idle', note: "I didn't hear anything." }, 8);
    expect(t.state().micError).toBeUndefined();
    t.speak('a1', 100, true);
    t.player.drain();
    expect(t.state().voiceState).toBe('idle');
  });

  it('gives up after the microphone has been quiet for a while: Hearth says it heard nothing, and hands-free ends', async () => {
    const t = await answering({ quietMs: 40 });
    const capture = t.openings[1]?.open();
    await settle();
    t.speak('a1', 100, true);
    t.player.drain();
    expect(t.state().voiceState).toBe('listening');
    // Sound keeps it going (someone is talking); quiet levels do not.
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      capture?.options.onLevel(0.05);
    }
    expect(t.state().voiceState).toBe('listening');
    capture?.options.onLevel(0.001);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(t.state()).toMatchObject({ voiceState: 'transcribing', micOpen: false });
    expect(capture?.finished).toBe(1);
    t.hearth({ state: 'idle', note: "I didn't hear anything." });
    expect(t.state()).toMatchObject({ voiceState: 'idle', micError: "I didn't hear anything." });
    expect(t.openings).toHaveLength(2);
  });

  it("waits in silence as long as Hearth says (snapshot or Settings' event), not its built-in time", async () => {
    const t = setup({ quietMs: 40 });
    t.voice.setHandsFree(true);
    // Hearth's own quiet time wins over the built-in one.
    t.link.availability.fire({ canHear: true, canSpeak: true, handsFreeQuietMs: 10_000 });
    const capture = await t.listen();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.state().voiceState).toBe('listening');
    // Settings changes it while the microphone waits: the wait under way counts to the new time.
    t.link.availability.fire({ canHear: true, canSpeak: true, handsFreeQuietMs: 30 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(t.state()).toMatchObject({ voiceState: 'transcribing', micOpen: false });
    expect(capture.finished).toBe(1);
  });

  it('push-to-talk never ends an utterance by itself', async () => {
    const t = setup({ quietMs: 10 });
    const capture = await t.listen();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.state().voiceState).toBe('listening');
    expect(capture.finished).toBe(0);
  });

  it('without it, the answer spoken leaves the microphone closed', async () => {
    const t = setup();
    await t.listen();
    t.voice.talk();
    t.hearth({ state: 'idle' });
    t.speak('a1', 400, true);
    expect(t.state()).toMatchObject({ voiceState: 'speaking', micOpen: false });
    t.player.drain();
    expect(t.state().voiceState).toBe('idle');
    expect(t.openings).toHaveLength(1);
  });

  it('stops when nothing was heard, and does not listen during an answer to a typed prompt', async () => {
    const t = setup();
    t.voice.setHandsFree(true);
    await t.listen();
    t.voice.talk();
    t.hearth({ state: 'idle', note: "I didn't hear anything." });
    t.speak('typed', 200, true);
    expect(t.state().micOpen).toBe(false);
    t.player.drain();
    expect(t.state().voiceState).toBe('idle');
    expect(t.openings).toHaveLength(1);
  });
});

describe("Hearth's news", () => {
  it('of an older utterance changes nothing about the current one', async () => {
    const t = setup({ transcribeTimeoutMs: 10 });
    await t.listen();
    t.voice.talk();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(t.state().micError).toBe(NO_REPLY);
    await t.listen();
    // The first utterance's late news arrives while the second is being spoken.
    t.hearth({ state: 'transcribing' }, 7);
    t.hearth({ state: 'idle', note: "I didn't hear anything." }, 7);
    expect(t.state()).toMatchObject({ voiceState: 'listening', micError: undefined });
  });
});

describe('Talk availability', () => {
  it("is Hearth's reason when it cannot hear, and comes back when a session says it can", () => {
    const t = setup();
    expect(t.state().talkUnavailable).toBeUndefined();
    t.link.availability.fire({
      canHear: false,
      canSpeak: true,
      note: 'pocketsphinx is not installed (install: sudo apt install pocketsphinx)',
    });
    expect(t.state().talkUnavailable).toBe(
      'pocketsphinx is not installed (install: sudo apt install pocketsphinx)',
    );
    t.voice.talk();
    expect(t.openings).toHaveLength(0);
    expect(t.state().micError).toMatch(/pocketsphinx is not installed/);
    t.link.availability.fire({ canHear: false, canSpeak: false });
    expect(t.state().talkUnavailable).toBe(CANNOT_HEAR);
    t.link.availability.fire({ canHear: true, canSpeak: true, note: 'less accurate' });
    expect(t.state().talkUnavailable).toBeUndefined();
    // A Hearth that does not say is taken to hear.
    t.link.availability.fire(undefined);
    expect(t.state().talkUnavailable).toBeUndefined();
  });

  it('a page that can never listen gives its own reason first (plain http on a phone)', () => {
    const t = setup({ unavailable: () => MIC_NEEDS_SECURE_CONNECTION });
    t.link.availability.fire({ canHear: false, canSpeak: false, note: 'no engines' });
    expect(t.state().talkUnavailable).toBe(MIC_NEEDS_SECURE_CONNECTION);
    t.link.availability.fire({ canHear: true, canSpeak: true });
    expect(t.state().talkUnavailable).toBe(MIC_NEEDS_SECURE_CONNECTION);
  });
});

describe('Talk with no conversation open', () => {
  it('asks for one and opens the microphone at once, in the same tap', () => {
    const t = setup();
    t.voice.talk();
    expect(t.conversationsEnsured()).toBe(1);
    expect(t.openings).toHaveLength(1);
    expect(t.state().voiceState).toBe('listening');
  });
});

describe('answers to typed prompts', () => {
  it('are asked to be spoken only while "Speak answers" is on', async () => {
    const t = setup();
    t.typedPrompts.fire({ conversationId: 'c', answerId: 'a1' });
    expect(t.link.spokenAnswers).toEqual([]);
    t.voice.setSpeakAnswers(true);
    t.typedPrompts.fire({ conversationId: 'c', answerId: 'a2' });
    expect(t.link.spokenAnswers).toEqual([{ conversationId: 'c', answerId: 'a2' }]);
    t.voice.setSpeakAnswers(false);
    t.typedPrompts.fire({ conversationId: 'c', answerId: 'a3' });
    expect(t.link.spokenAnswers).toHaveLength(1);
  });

  it('are not asked for when Hearth has no voice, and a refusal is said', async () => {
    const t = setup();
    t.voice.setSpeakAnswers(true);
    t.link.availability.fire({ canHear: true, canSpeak: false, note: 'flite is missing' });
    t.typedPrompts.fire({ conversationId: 'c', answerId: 'a1' });
    expect(t.link.spokenAnswers).toEqual([]);

    t.link.availability.fire({ canHear: true, canSpeak: true });
    t.link.speakFails = new Error('Hearth cannot speak: flite failed');
    t.typedPrompts.fire({ conversationId: 'c', answerId: 'a2' });
    await settle();
    expect(t.state().micError).toBe('Hearth cannot speak: flite failed');
  });
});

describe('the two switches', () => {
  it('are kept in the browser', () => {
    const { state, voice, memory } = setup();
    voice.setSpeakAnswers(true);
    voice.setHandsFree(true);
    expect(state()).toMatchObject({ speakAnswers: true, handsFree: true });
    expect(JSON.parse(memory.values.get(VOICE_PREFS_KEY) ?? '')).toEqual({
      speakAnswers: true,
      handsFree: true,
    });

    // A page opened later on this device starts with them.
    const again = setup({ memory });
    expect(again.state()).toMatchObject({ speakAnswers: true, handsFree: true });
  });

  it('ignore what is not a boolean in storage, each on its own', () => {
    const cases: [string | null, { speakAnswers: boolean; handsFree: boolean }][] = [
      [null, { speakAnswers: false, handsFree: false }],
      ['not json', { speakAnswers: false, handsFree: false }],
      ['null', { speakAnswers: false, handsFree: false }],
      ['[true, true]', { speakAnswers: false, handsFree: false }],
      ['{"speakAnswers":"yes","handsFree":true}', { speakAnswers: false, handsFree: true }],
      ['{"speakAnswers":true,"handsFree":1}', { speakAnswers: true, handsFree: false }],
    ];
    for (const [stored, expected] of cases) {
      const memory = new MapMemory();
      if (stored !== null) memory.values.set(VOICE_PREFS_KEY, stored);
      expect(setup({ memory }).state(), String(stored)).toMatchObject(expected);
    }
  });

  it('work without storage, or with storage that refuses', () => {
    const refusing: PrefsMemory = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const { state, voice } = setup({ memory: refusing });
    expect(state().speakAnswers).toBe(false);
    voice.setSpeakAnswers(true);
    expect(state().speakAnswers).toBe(true);
  });
});

describe('dispose', () => {
  it('closes an open microphone and the player, and a microphone still opening once it opens', async () => {
    const open = setup();
    const capture = await open.listen();
    await open.voice.dispose();
    await settle();
    expect(capture.closed).toBe(1);
    expect(open.player.disposed).toBe(true);

    const opening = setup();
    opening.voice.talk();
    await opening.voice.dispose();
    const late = opening.openings[0]?.open();
    await settle();
    expect(late?.closed).toBeGreaterThanOrEqual(1);
  });
});

describe('Test voice (Settings > Voice)', () => {
  it('asks Hearth for the sample at the chosen rate, inside the tap, and plays it though no answer was asked for', async () => {
    const t = setup();
    expect(await t.voice.testVoice(1.5)).toBeUndefined();
    expect(t.link.tests).toEqual([1.5]);
    expect(t.player.prepared).toBe(1);
    t.speak('sample-1', 300, true);
    expect(t.player.played).toEqual([{ samples: 300 * 16, sampleRate: 16_000 }]);
    expect(t.state().voiceState).toBe('speaking');
    t.player.drain();
    expect(t.state().voiceState).toBe('idle');
  });

  it("says why when Hearth refuses, without changing the voice's state", async () => {
    const t = setup();
    t.link.speakFails = new Error('Hearth cannot speak: flite is not installed');
    expect(await t.voice.testVoice(1)).toBe('Hearth cannot speak: flite is not installed');
    expect(t.state().voiceState).toBe('idle');
    expect(t.state().micError).toBeUndefined();
  });
});
