// What the renderer's voice needs from main, and nothing more: the microphone's
// frames go out; the spoken answer, how the utterance fares and whether Hearth
// can hear come back; two commands ask for an answer's speech or stop it. The
// store's voice (store/voice.ts) talks only to this, so it is tested with a
// fake; transportVoiceLink() is the one adapter onto the real API, on the
// client's own link (IPC at the kiosk, the WebSocket on a phone).
import { decodeSpeechFrame, type SpeechFrame } from '../../../shared/audio';
import type { HearthEvent, VoiceAvailability } from '../../../shared/api';
import type { HearthTransport } from '../../../shared/transport';

/**
 * A piece of an answer's speech, in the order it is to be played: answerId
 * (a chunk of another answer cuts this one's queue), 16-bit mono samples at
 * the voice's own rate (may be empty on the last chunk), and whether it is
 * the last.
 */
export type SpokenChunk = SpeechFrame;

type VoiceEvent = Extract<HearthEvent, { type: 'voice' }>;

/**
 * How Hearth is doing with one utterance this client sent (`utterance`, its id).
 * - transcribing: Hearth has the utterance: the client's end frame came, or
 *   Hearth ended it itself (the speech detector heard the person stop, or the
 *   30 s limit). The client stops listening and sends its end frame in any
 *   case, which Hearth drops quietly for an utterance it already ended.
 * - heardSpeech: the person started speaking while Hearth's voice plays here
 *   (barge-in); the utterance goes on until they pause.
 * - idle: Hearth is done with it: the transcript went into the open
 *   conversation as the person's message (its answer follows, spoken), or,
 *   with `note`, what went wrong, in one sentence to show ("I didn't hear anything.").
 */
export type VoiceLinkUpdate = { utterance: number } & (
  { state: 'transcribing' } | { state: 'heardSpeech' } | { state: 'idle'; note?: string }
);

export interface VoiceLink {
  /** One audio frame (shared/audio.ts); throws when the link is down. */
  sendAudio(bytes: Uint8Array): void;
  /** Each chunk of spoken answer for this client; the returned function unsubscribes. */
  onSpokenAudio(listener: (chunk: SpokenChunk) => void): () => void;
  /** How this client's utterances fare; the returned function unsubscribes. */
  onVoiceState(listener: (update: VoiceLinkUpdate) => void): () => void;
  /**
   * Whether Hearth can hear and speak, and how long hands-free waits in
   * silence: each time a session starts (undefined from a Hearth that does not
   * say) and when Settings changes it; the returned function unsubscribes.
   */
  onAvailability(listener: (voice: VoiceAvailability | undefined) => void): () => void;
  /**
   * Asks for this answer to be spoken here as it is written (a typed prompt
   * with "Speak answers" on; a spoken prompt's answer is spoken anyway).
   * Rejects with the reason when Hearth cannot.
   */
  speakAnswer(conversationId: string, answerId: string): Promise<void>;
  /** The person stopped this answer's speech (Stop speaking, barge-in): make no more of it. */
  stopSpeech(answerId: string): void;
  /** Settings > Voice's Test: a sample sentence spoken here; rejects with the reason when it cannot be. */
  testVoice(rate?: number): Promise<void>;
}

/** The transport as far as voice uses it. */
export type VoiceTransport = Pick<
  HearthTransport,
  'sendAudio' | 'onSpeech' | 'onEvent' | 'onSnapshot' | 'call'
>;

/** The voice link on the client's own transport. */
export function transportVoiceLink(transport: VoiceTransport): VoiceLink {
  return {
    sendAudio: (bytes) => transport.sendAudio(bytes),
    onSpokenAudio: (listener) =>
      transport.onSpeech((bytes) => {
        const frame = decodeSpeechFrame(bytes);
        if ('error' in frame) {
          // One bad frame is a gap in the speech, not a reason to stop listening to the rest.
          console.warn(`hearth: a speech frame was dropped: ${frame.error}`);
          return;
        }
        listener(frame);
      }),
    onVoiceState: (listener) =>
      transport.onEvent((event) => {
        if (event.type === 'voice') listener(voiceUpdate(event));
      }),
    onAvailability(listener) {
      const offSnapshot = transport.onSnapshot(({ snapshot }) => listener(snapshot.voice));
      const offEvent = transport.onEvent((event) => {
        if (event.type === 'voiceAvailability') listener(event.voice);
      });
      return () => {
        offSnapshot();
        offEvent();
      };
    },
    async speakAnswer(conversationId, answerId) {
      await transport.call('speakAnswer', { conversationId, messageId: answerId });
    },
    async testVoice(rate) {
      await transport.call('testVoice', rate === undefined ? {} : { rate });
    },
    stopSpeech(answerId) {
      // Nothing to wait for: the speech is already cut here, and a session that
      // ended took its speech with it.
      transport.call('stopSpeech', { messageId: answerId }).catch((error: unknown) => {
        console.warn('hearth: stopSpeech failed', error);
      });
    },
  };
}

function voiceUpdate(event: VoiceEvent): VoiceLinkUpdate {
  const { utterance, state, note } = event;
  if (state === 'idle')
    return note === undefined ? { utterance, state } : { utterance, state, note };
  return { utterance, state };
}
