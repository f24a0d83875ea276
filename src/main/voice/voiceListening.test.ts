// The listening side's decisions, with a detector a test drives: when Hearth
// ends an utterance itself, when it tells the client nothing was heard, how it
// keeps its own voice from the speaker apart from the person's, and whose a
// speech end is when the detector finds it after the next utterance began.
import { describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { createMemoryLogger } from '../../testing/loggers';
import type { VoiceClientsPort } from '../contracts/voice';
import {
  NOTHING_HEARD,
  TOO_MANY_LISTENING,
  VoiceListening,
  type SpeechDetector,
} from './voiceListening';

/**
 * A detector the test drives, which numbers generations as VoiceActivity does.
 * Its events are of the last audio fed, as a worker's would be: when the test
 * makes one after a reset with no audio since, it is a late event of the audio
 * before the reset. With `late`, settled() waits for settle().
 */
function fakeDetector(late = false) {
  const starts = new Set<(generation: number) => void>();
  const ends = new Set<(pcm: Int16Array, generation: number) => void>();
  const strict: boolean[] = [];
  let fed = 0;
  let generation = 0;
  /** The generation of the last audio fed: the one the worker is looking at. */
  let fedGeneration = 0;
  let disposed = false;
  let settle: () => void = () => {};
  const settling = new Promise<void>((resolve) => (settle = resolve));
  const detector: SpeechDetector = {
    feed: (pcm) => {
      fed += pcm.length;
      fedGeneration = generation;
    },
    setStrict: (on) => void strict.push(on),
    reset: () => ++generation,
    onSpeechStart: (l) => (starts.add(l), () => starts.delete(l)),
    onSpeechEnd: (l) => (ends.add(l), () => ends.delete(l)),
    settled: () => (late ? settling : Promise.resolve()),
    dispose: async () => void (disposed = true),
  };
  return {
    detector,
    strict,
    fed: () => fed,
    disposed: () => disposed,
    settle: () => settle(),
    speechStarts: () => starts.forEach((l) => l(fedGeneration)),
    speechEnds: (pcm: Int16Array) => [...ends].forEach((l) => l(pcm, fedGeneration)),
  };
}

function listening(
  options: {
    playing?: boolean;
    transcript?: string;
    idleMs?: number;
    recognize?: () => Promise<string>;
    /** The detector's events come late: settled() waits for fake.settle(). */
    late?: boolean;
  } = {},
) {
  const fake = fakeDetector(options.late);
  const delivered: HearthEvent[] = [];
  const prompts: string[] = [];
  /** Samples of each piece of speech transcribed. */
  const transcribed: number[] = [];
  const spoken: string[] = [];
  let playing = options.playing ?? false;
  const clients: VoiceClientsPort = {
    deliver: (_id, event) => void delivered.push(event),
    speak: () => {},
    prompt: async (_id, text) => {
      prompts.push(text);
      return { conversationId: 'c', answerId: 'a' };
    },
  };
  const voice = new VoiceListening({
    clients,
    detector: () => fake.detector,
    recognizer: {
      transcribe: async (pcm) => {
        transcribed.push(pcm.length);
        return options.recognize ? options.recognize() : (options.transcript ?? 'hello there');
      },
    },
    isPlaying: () => playing,
    speakAnswer: (_client, _conversation, answer) => void spoken.push(answer),
    logger: createMemoryLogger(),
    maxUtteranceMs: 30_000,
    detectorIdleMs: options.idleMs,
  });
  return {
    voice,
    fake,
    delivered,
    prompts,
    spoken,
    transcribed,
    setPlaying: (on: boolean) => (playing = on),
    states: () => delivered.map((e) => (e.type === 'voice' ? [e.state, e.note] : [])),
    utterances: () =>
      delivered.map((e) => (e.type === 'voice' ? [e.utterance, e.state, e.note] : [])),
  };
}

const source = { clientId: 'k', clientKey: 'session:k', utterance: 3 };

/**
 * Utterance 3 is spoken and the client ends it (and drops it, if `dropped`);
 * utterance 4 begins at once; only then does the detector find the end of
 * 3's speech, in the audio fed before 4 reset it.
 */
function nextBeginsBeforeTheEnd({ dropped }: { dropped: boolean }) {
  const t = listening({ late: true });
  const first = t.voice.listen(source);
  first.hear(new Int16Array(16_000));
  first.end('ended');
  if (dropped) first.drop('client_dropped');
  const next = t.voice.listen({ ...source, utterance: 4 });
  t.fake.speechEnds(new Int16Array(8000));
  return { ...t, next };
}

describe('listening to a client', () => {
  it('ends the utterance itself when the detector hears the speech end, and sends the words', async () => {
    const t = listening();
    const heard = t.voice.listen(source);
    heard.hear(new Int16Array(1600));
    t.fake.speechEnds(new Int16Array(8000));
    // Frames that keep coming, and the client's own end, change nothing.
    heard.hear(new Int16Array(1600));
    heard.end('ended');
    await expect.poll(() => t.spoken).toEqual(['a']);
    expect(t.states()).toEqual([
      ['transcribing', undefined],
      ['idle', undefined],
    ]);
    expect(t.prompts).toEqual(['hello there']);
    expect(t.fake.fed()).toBe(1600);
    await t.voice.dispose();
  });

  it('sends no prompt and says nothing more for an utterance dropped while open or while transcribing', async () => {
    let release: (text: string) => void = () => {};
    let recognized = 0;
    const t = listening({
      recognize: () => {
        recognized++;
        return new Promise<string>((resolve) => (release = resolve));
      },
    });
    const open = t.voice.listen(source);
    open.hear(new Int16Array(1600));
    open.drop('client_dropped');
    // Speech ending after the drop, and the client's end, are ignored.
    t.fake.speechEnds(new Int16Array(8000));
    open.end('ended');
    expect(t.states()).toEqual([]);

    const closing = t.voice.listen({ ...source, utterance: 4 });
    closing.hear(new Int16Array(1600));
    t.fake.speechEnds(new Int16Array(8000));
    await expect.poll(() => recognized).toBe(1);
    closing.drop('client_dropped');
    release('hello there');
    await t.voice.dispose();
    expect(t.states()).toEqual([['transcribing', undefined]]);
    expect(t.prompts).toEqual([]);
    expect(t.spoken).toEqual([]);
  });

  it('says nothing was heard when the detector found no speech, or the words were none', async () => {
    const silent = listening();
    const heard = silent.voice.listen(source);
    heard.hear(new Int16Array(1600));
    heard.end('ended');
    await expect
      .poll(() => silent.states())
      .toEqual([
        ['transcribing', undefined],
        ['idle', NOTHING_HEARD],
      ]);
    expect(silent.prompts).toEqual([]);
    await silent.voice.dispose();

    const mumbled = listening({ transcript: '  ' });
    mumbled.voice.listen(source).hear(new Int16Array(10));
    mumbled.fake.speechEnds(new Int16Array(8000));
    await expect.poll(() => mumbled.states().at(-1)).toEqual(['idle', NOTHING_HEARD]);
    expect(mumbled.prompts).toEqual([]);
    await mumbled.voice.dispose();
  });

  it('is strict while the client plays Hearth’s voice, and reports speech over it as a barge-in', async () => {
    const t = listening({ playing: true });
    const heard = t.voice.listen(source);
    heard.hear(new Int16Array(160));
    t.fake.speechStarts();
    t.setPlaying(false);
    heard.hear(new Int16Array(160));
    // Speech that starts once Hearth is quiet is no barge-in.
    t.fake.speechStarts();
    expect(t.fake.strict).toEqual([true, false]);
    expect(t.states()).toEqual([['heardSpeech', undefined]]);
    heard.drop('link_closed');
    await t.voice.dispose();
  });

  it('notes a cut utterance, and stops an idle client’s detector', async () => {
    const t = listening({ idleMs: 20 });
    const heard = t.voice.listen(source);
    heard.hear(new Int16Array(160));
    t.fake.speechEnds(new Int16Array(800));
    await expect.poll(() => t.prompts).toEqual(['hello there']);
    const cut = t.voice.listen({ ...source, utterance: 4 });
    cut.hear(new Int16Array(160));
    cut.end('cut');
    t.fake.speechEnds(new Int16Array(800));
    await expect
      .poll(() => t.states().at(-1))
      .toEqual(['idle', 'Only your first 30 seconds were heard.']);
    await expect.poll(() => t.fake.disposed()).toBe(true);
    expect(t.voice.detectors).toBe(0);
    await t.voice.dispose();
  });

  it('gives a speech end found after the next utterance began to the utterance it came from', async () => {
    const { next, ...t } = nextBeginsBeforeTheEnd({ dropped: false });
    t.fake.settle();
    await expect.poll(() => t.spoken).toEqual(['a']);
    expect(t.transcribed).toEqual([8000]);
    // The next utterance is its own: silence, so nothing heard, and no second prompt.
    next.hear(new Int16Array(1600));
    next.end('ended');
    await expect
      .poll(() => t.utterances())
      .toEqual([
        [3, 'transcribing', undefined],
        [3, 'idle', undefined],
        [4, 'transcribing', undefined],
        [4, 'idle', NOTHING_HEARD],
      ]);
    expect(t.prompts).toEqual(['hello there']);
    await t.voice.dispose();
  });

  it('never hears a dropped utterance’s late speech end as the next utterance’s', async () => {
    const { next, ...t } = nextBeginsBeforeTheEnd({ dropped: true });
    // Speech heard in the next utterance's own audio is still its own.
    next.hear(new Int16Array(1600));
    t.fake.speechStarts();
    t.fake.speechEnds(new Int16Array(4000));
    t.fake.settle();
    await expect.poll(() => t.spoken).toEqual(['a']);
    expect(t.transcribed).toEqual([4000]);
    expect(t.utterances()).toEqual([
      [3, 'transcribing', undefined],
      [4, 'transcribing', undefined],
      [4, 'idle', undefined],
    ]);
    await t.voice.dispose();
  });

  it('hears at most a few clients at once: another is refused in words, unless one is idle', async () => {
    const detectors: ReturnType<typeof fakeDetector>[] = [];
    const delivered: { clientId: string; event: HearthEvent }[] = [];
    const voice = new VoiceListening({
      clients: {
        deliver: (clientId, event) => void delivered.push({ clientId, event }),
        speak: () => {},
        prompt: async () => ({ conversationId: 'c', answerId: 'a' }),
      },
      detector: () => {
        const fake = fakeDetector();
        detectors.push(fake);
        return fake.detector;
      },
      recognizer: { transcribe: async () => 'hi' },
      isPlaying: () => false,
      speakAnswer: () => {},
      logger: createMemoryLogger(),
      maxListening: 2,
      maxUtteranceMs: 30_000,
    });
    const a = voice.listen({ ...source, clientId: 'a' });
    voice.listen({ ...source, clientId: 'b' });
    const c = voice.listen({ ...source, clientId: 'c' });
    c.end('ended');
    expect(voice.detectors).toBe(2);
    expect(delivered).toEqual([
      {
        clientId: 'c',
        event: { type: 'voice', utterance: 3, state: 'idle', note: TOO_MANY_LISTENING },
      },
    ]);
    // Once a is done with its utterance, it is idle: the next client takes its detector.
    a.drop('link_closed');
    voice.listen({ ...source, clientId: 'd' });
    expect(voice.detectors).toBe(2);
    await expect.poll(() => detectors[0]?.disposed()).toBe(true);
    await voice.dispose();
  });
});
