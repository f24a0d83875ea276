// Where a client's microphone goes: the port the clients hand audio to as it
// arrives, and the composition root fills with the voice pipeline (speech
// detection, then speech-to-text). The audio streams: the pipeline hears each
// frame as it comes, so it can notice that the person stopped speaking before
// the client does. Audio is never stored: the listener keeps what it needs
// until the utterance ends, and nothing after.

/** Why an utterance ended: its client ended it, or it reached its length limit. */
export type UtteranceEnd = 'ended' | 'cut';

/** Whose utterance it is. */
export interface UtteranceSource {
  /** The client's session id (clients.ts finds it by this). */
  clientId: string;
  /** Whose share of the limits it counts against (dispatch.ts clientKey). */
  clientKey: string;
  /** The client's own id for the utterance. */
  utterance: number;
}

/** One utterance's audio, as it arrives. None of its methods may throw. */
export interface UtteranceListener {
  /** 16 kHz mono samples, in order. */
  hear(pcm: Int16Array): void;
  /** The client ended it, or it reached its length limit ('cut'). */
  end(why: UtteranceEnd): void;
  /** Its link went away before it ended: it is forgotten, never transcribed half. */
  drop(reason: string): void;
}

export interface SpeechPort {
  /** A client opened an utterance: its audio goes to the listener returned. */
  listen(source: UtteranceSource): UtteranceListener;
}

/** Gathers each utterance and hands it over whole once it ends (for logs and tests). */
export function wholeUtterances(
  heard: (source: UtteranceSource, pcm: Int16Array, why: UtteranceEnd) => void,
): SpeechPort {
  return {
    listen(source) {
      let chunks: Int16Array[] = [];
      return {
        hear: (pcm) => {
          chunks.push(pcm);
        },
        end: (why) => {
          const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const chunk of chunks) {
            pcm.set(chunk, at);
            at += chunk.length;
          }
          chunks = [];
          heard(source, pcm, why);
        },
        drop: () => {
          chunks = [];
        },
      };
    },
  };
}

/** Hears nothing: for a Hearth without ears (benchmarks, tests of other things). */
export const deafSpeech: SpeechPort = wholeUtterances(() => {});
