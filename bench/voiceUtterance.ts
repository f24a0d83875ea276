// One utterance timed for `npm run bench voice` (voice.ts says what is measured):
// the words streamed as a microphone sends them, silence at the audio rate until
// Hearth ends the utterance, then the answer's first sentence and first sound.
import { AUDIO_FRAME_MAX_SAMPLES } from '../src/shared/audio';
import type { Flite } from '../src/main/voice/flite';
import { SpeakableText } from '../src/main/voice/speakable';
import type { VoiceBenchClient } from './voiceClient';
import { fliteMs, lastSpeechSample } from './voiceParts';

const FRAME = AUDIO_FRAME_MAX_SAMPLES;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export interface Utterance {
  totalMs: number;
  sttMs: number;
  firstSentenceMs: number;
  ttsMs: number;
  /** End of speech to the client hearing 'transcribing', minus the hangover. */
  detectMs: number;
  /** Utterance ended to the prompt queued, minus pocketsphinx's own time. */
  handOffMs: number;
  /** First sentence complete to its first speech frame at the client, minus flite's time. */
  speakMs: number;
  sentence: string;
}

/**
 * The words, preceded by silence, and followed by `tailMs` of silence that ends
 * on a frame boundary: where in its 100 ms frame a person stops speaking is
 * chance, so the runs spread it evenly over the frame.
 */
export function alignedWords(
  speech: Int16Array,
  tailMs: number,
): { pcm: Int16Array; tailMs: number } {
  const end = lastSpeechSample(speech) + 1;
  const tail = Math.round((tailMs * FRAME) / 100);
  const lead = 3 * FRAME + ((FRAME - ((end + tail) % FRAME)) % FRAME);
  const pcm = new Int16Array(lead + end + tail);
  pcm.set(speech.subarray(0, end), lead);
  return { pcm, tailMs: (tail * 100) / FRAME };
}

export async function utter(
  client: VoiceBenchClient,
  flite: Flite,
  utterance: number,
  speech: Int16Array,
  tailMs: number,
  hangoverMs: number,
): Promise<Utterance> {
  const words = alignedWords(speech, tailMs);
  const { id: conversationId } = await client.call<{ id: string }>('newConversation');
  const heardFrom = client.heard.length;
  const logFrom = client.log.length;
  let lastFrame = 0;
  for (let at = 0; at < words.pcm.length; at += FRAME) {
    lastFrame = client.sendAudio(utterance, words.pcm.subarray(at, at + FRAME), at === 0, false);
    if (at + FRAME < words.pcm.length) await sleep(50);
  }
  // A microphone sends a frame once its last sample is captured: the words ended this long before.
  const endOfSpeech = lastFrame - words.tailMs;
  const ended = () =>
    client
      .voiceEvents(heardFrom)
      .find((e) => e.utterance === utterance && e.state === 'transcribing');
  const silence = new Int16Array(FRAME);
  for (let n = 1; !ended(); n++) {
    if (n > 30) throw new Error('Hearth never ended the utterance');
    await sleep(lastFrame + n * 100 - performance.now());
    if (!ended()) client.sendAudio(utterance, silence, false, false);
  }
  client.sendAudio(utterance, silence, false, true);
  const idle = await client.until(
    () =>
      client.voiceEvents(heardFrom).find((e) => e.utterance === utterance && e.state === 'idle'),
    30_000,
  );
  if (idle.note !== undefined) throw new Error(`Hearth did not take the utterance: ${idle.note}`);
  const queued = await client.until(
    () =>
      client.log
        .slice(logFrom)
        .find(
          (l) => l.eventType === 'prompt_queued' && l.context.conversationId === conversationId,
        ),
    10_000,
  );
  const answerId = String(queued.context.messageId);
  await client.until(
    () =>
      client.heard
        .slice(heardFrom)
        .some((h) => h.kind === 'speech' && h.answerId === answerId && h.last),
    60_000,
  );
  const transcribed = client.log.slice(logFrom).find((l) => l.eventType === 'speech_transcribed');
  if (!transcribed) throw new Error('no speech_transcribed log line');
  const sttMs = Number(transcribed.context.transcribeMs);
  // The first sentence as Hearth's splitter finds it in the tokens, and when.
  const splitter = new SpeakableText();
  let sentence: { at: number; text: string } | undefined;
  let firstSound: number | undefined;
  for (const h of client.heard.slice(heardFrom)) {
    if (
      !sentence &&
      h.kind === 'event' &&
      h.event.type === 'tokens' &&
      h.event.messageId === answerId
    ) {
      const done = splitter.push(h.event.text);
      if (done[0] !== undefined) sentence = { at: h.at, text: done[0] };
    }
    if (h.kind === 'speech' && h.answerId === answerId && h.samples > 0) {
      firstSound ??= h.at;
    }
  }
  if (!sentence) {
    // The answer had a single sentence, ended by the answer's end.
    const message = client.heard
      .slice(heardFrom)
      .find(
        (h) => h.kind === 'event' && h.event.type === 'message' && h.event.message.id === answerId,
      );
    const text =
      message?.kind === 'event' && message.event.type === 'message'
        ? message.event.message.text
        : '';
    sentence = {
      at: message?.at ?? NaN,
      text: splitter.push(text)[0] ?? splitter.flush()[0] ?? '',
    };
  }
  if (firstSound === undefined) throw new Error('no speech frame with samples');
  const ttsMs = await fliteMs(flite, sentence.text);
  const transcribing = ended()?.at ?? NaN;
  return {
    totalMs: firstSound - endOfSpeech,
    sttMs,
    firstSentenceMs: sentence.at - queued.at,
    ttsMs,
    detectMs: transcribing - endOfSpeech - hangoverMs,
    handOffMs: queued.at - transcribing - sttMs,
    speakMs: firstSound - sentence.at - ttsMs,
    sentence: sentence.text,
  };
}
