// The answer being spoken here: its chunks go to the player in order, a new
// answer cuts what is left of the last one, and an answer whose speech was cut
// (Stop speaking, barge-in, or the person talking) stays silent, its late
// chunks dropped, and Hearth is asked to make no more of it.
import type { SpokenChunk, VoiceLink } from '../voice/voiceLink';
import type { VoicePlayer } from './voiceSlice';

/** Answers whose speech was cut, remembered so their late chunks stay silent. */
const MUTED_KEPT = 16;

export class AnswerPlayback {
  readonly #player: VoicePlayer;
  readonly #link: Pick<VoiceLink, 'stopSpeech'>;
  /** The answer being spoken, and whether its last chunk has come. */
  #answer: { id: string; complete: boolean } | undefined;
  readonly #muted: string[] = [];

  constructor(player: VoicePlayer, link: Pick<VoiceLink, 'stopSpeech'>) {
    this.#player = player;
    this.#link = link;
  }

  isMuted(answerId: string): boolean {
    return this.#muted.includes(answerId);
  }

  play(chunk: SpokenChunk): void {
    if (this.#answer?.id !== chunk.answerId) {
      // A new answer: what is left of the last one is not played.
      this.#player.cut();
      this.#answer = { id: chunk.answerId, complete: false };
    }
    try {
      this.#player.play(chunk.pcm, chunk.sampleRate);
    } catch (error) {
      console.warn('hearth: a chunk of speech could not be played', error);
    }
    if (chunk.last) this.#answer.complete = true;
  }

  /** True once, when the answer's last chunk has been played out. */
  playedToTheEnd(): boolean {
    if (!this.#answer?.complete || this.#player.speaking) return false;
    this.#answer = undefined;
    return true;
  }

  /** Cuts the answer's speech and keeps the rest of it from playing. */
  silence(): void {
    const answer = this.#answer;
    this.#answer = undefined;
    this.#player.cut();
    if (answer) this.mute(answer.id);
  }

  mute(answerId: string): void {
    if (this.#muted.includes(answerId)) return;
    this.#muted.push(answerId);
    if (this.#muted.length > MUTED_KEPT) this.#muted.shift();
    this.#link.stopSpeech(answerId);
  }
}
