// The listening side's decisions, with a detector a test drives: when Hearth
// ends an utterance itself, when it tells the client nothing was heard, and how
// it keeps its own voice from the speaker apart from the person's.
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

function fakeDetector() {
  const starts = new Set<() => void>();
  const ends = new Set<(pcm: Int16Array) => void>();
  const strict: boolean[] = [];
  let fed = 0;
  let disposed = false;
  const detector: SpeechDetector = {
    feed: (pcm) => void (fed += pcm.length),
    setStrict: (on) => void strict.push(on),
    reset: () => {},
    onSpeechStart: (l) => (starts.add(l), () => starts.delete(l)),
    onSpeechEnd: (l) => (ends.add(l), () => ends.delete(l)),
    settled: async () => {},
    dispose: async () => void (disposed = true),
  };
  return {
    detector,
    strict,
    fed: () => fed,
    disposed: () => disposed,
    speechStarts: () => starts.forEach((l) => l()),
    speechEnds: (pcm: Int16Array) => [...ends].forEach((l) => l(pcm)),
  };
}

function listening(
  options: {
    playing?: boolean;
    transcript?: string;
    idleMs?: number;
    recognize?: () => Promise<string>;
  } = {},
) {
  const fake = fakeDetector();
  const delivered: HearthEvent[] = [];
  const prompts: string[] = [];
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
      transcribe: async () =>
        options.recognize ? options.recognize() : (options.transcript ?? 'hello there'),
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
    setPlaying: (on: boolean) => (playing = on),
    states: () => delivered.map((e) => (e.type === 'voice' ? [e.state, e.note] : [])),
  };
}

const source = { clientId: 'k', clientKey: 'session:k', utterance: 3 };

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
