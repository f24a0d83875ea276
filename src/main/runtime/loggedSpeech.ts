// The SpeechPort Hearth runs with until speech-to-text comes (the next step of
// the voice path): each finished utterance is logged with its length and why it
// ended, and its samples are dropped on the spot. Audio is never stored.
import { audioDurationMs } from '../../shared/audio';
import type { Logger } from '../base/log';
import type { SpeechPort } from '../contracts/speech';

export function loggedSpeech(logger: Logger): SpeechPort {
  return {
    heard(clientKey, pcm, why) {
      logger.info('utterance_received', {
        clientKey,
        why,
        durationMs: Math.round(audioDurationMs(pcm.length)),
      });
    },
  };
}
