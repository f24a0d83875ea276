// The voice parts a real page uses: the microphone through getUserMedia and the
// capture worklet, speech through a Web Audio context made on first use, the
// switches in localStorage, and the voice link on the transport. Nothing here
// touches a browser API until it is used, so a store can be made anywhere.
import type { VoiceDeps } from '../store/voice';
import { browserMicEnvironment, openMicCapture } from './micCapture';
import { micUnavailableReason } from './micErrors';
import { SpeechPlayer } from './speechPlayer';
import { transportVoiceLink, type VoiceTransport } from './voiceLink';
import { browserPrefsMemory } from './voicePrefs';

export function browserVoice(transport: VoiceTransport): VoiceDeps {
  return {
    link: transportVoiceLink(transport),
    unavailable: () => micUnavailableReason(browserMicEnvironment()),
    openCapture: openMicCapture,
    player: new SpeechPlayer(() => new AudioContext({ latencyHint: 'interactive' })),
    memory: browserPrefsMemory(),
  };
}
