// Where a client's finished utterance goes: the port the clients hand audio to,
// and the composition root fills. Speech-to-text comes next behind it; for now
// compose.ts logs the utterance's length and drops it. The port takes the
// samples and the caller keeps no copy: audio is never stored.

/** Why an utterance was handed over: its client ended it, or it reached its length limit. */
export type UtteranceEnd = 'ended' | 'cut';

export interface SpeechPort {
  /**
   * One utterance of 16 kHz mono PCM from the client whose limits key is
   * clientKey (dispatch.ts clientKey). Called once per utterance; must not throw.
   */
  heard(clientKey: string, pcm: Int16Array, why: UtteranceEnd): void;
}

/** Drops every utterance: for a Hearth without ears (benchmarks, tests of other things). */
export const deafSpeech: SpeechPort = { heard: () => {} };
