// Settings > Voice's Test: the test sentence, and the recognizer test that
// speaks it with the voice in use and transcribes it with the recognizer in
// use, so the owner hears and reads what each engine makes of it.
import type { VoiceAvailability } from '../../shared/api';
import type { RecognizerTest } from '../../shared/voiceModelsSchema';
import { ApiFailure } from '../contracts/failure';
import type { SentenceVoice } from './answerSpeech';
import { resample } from './sherpa/resample';

/** What Settings > Voice's Test says. */
export const TEST_SENTENCE = 'This is how Hearth sounds.';

/** The rate recognizers listen at. */
const HEARING_RATE = 16_000;

export interface RecognizerTestParts {
  availability: VoiceAvailability;
  voice: SentenceVoice;
  transcribe(pcm: Int16Array, signal: AbortSignal): Promise<string>;
  signal: AbortSignal;
}

/** Says TEST_SENTENCE and hears it back; a half that is off or fails is a bad_request that says why. */
export async function testRecognizer(parts: RecognizerTestParts): Promise<RecognizerTest> {
  const { canHear, canSpeak, note } = parts.availability;
  if (!canSpeak) throw new ApiFailure('bad_request', `Hearth cannot speak: ${note ?? ''}`.trim());
  if (!canHear) throw new ApiFailure('bad_request', `Hearth cannot hear: ${note ?? ''}`.trim());
  const { voice, signal } = parts;
  let pcm: Int16Array;
  try {
    pcm = resample(await voice.speak(TEST_SENTENCE, signal), voice.sampleRate, HEARING_RATE);
  } catch (error) {
    throw new ApiFailure(
      'bad_request',
      `Hearth could not speak the test sentence: ${reason(error)}`,
    );
  }
  const began = performance.now();
  let heard: string;
  try {
    heard = await parts.transcribe(pcm, signal);
  } catch (error) {
    throw new ApiFailure(
      'bad_request',
      `Hearth could not hear the test sentence: ${reason(error)}`,
    );
  }
  return { said: TEST_SENTENCE, heard, ms: Math.round(performance.now() - began) };
}

/** An error's message, as one sentence for the owner. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
