// What Hearth's voice offers this device, apart from listening: whether it can
// hear and speak (from the session's snapshot and its updates, which also carry
// the hands-free quiet time), the answers to typed prompts spoken when "Speak
// answers" is on, and Settings > Voice's Test sample.
import type { VoiceAvailability } from '../../../shared/api';
import type { StoreApi } from 'zustand/vanilla';
import {
  talkUnavailableReason,
  type TypedPrompt,
  type VoiceDeps,
  type VoiceSlice,
} from './voiceSlice';

export class VoiceOffer {
  readonly #store: StoreApi<VoiceSlice>;
  readonly #deps: Pick<VoiceDeps, 'link' | 'player'>;
  /** Why this page can never listen (found once). */
  readonly #pageReason: string | undefined;
  readonly #setQuietMs: (ms: number) => void;
  /** Whether Hearth can hear and speak, from the session's snapshot. */
  #hearing: VoiceAvailability | undefined;
  #closed = false;

  constructor(
    store: StoreApi<VoiceSlice>,
    deps: Pick<VoiceDeps, 'link' | 'player'>,
    pageReason: string | undefined,
    setQuietMs: (ms: number) => void,
  ) {
    this.#store = store;
    this.#deps = deps;
    this.#pageReason = pageReason;
    this.#setQuietMs = setQuietMs;
  }

  availability(voice: VoiceAvailability | undefined): void {
    this.#hearing = voice;
    if (voice?.handsFreeQuietMs !== undefined) this.#setQuietMs(voice.handsFreeQuietMs);
    this.#store.setState({ talkUnavailable: talkUnavailableReason(this.#pageReason, voice) });
  }

  typedPrompt(sent: TypedPrompt): void {
    if (!this.#store.getState().speakAnswers || this.#hearing?.canSpeak === false) return;
    this.#deps.link.speakAnswer(sent.conversationId, sent.answerId).catch((error: unknown) => {
      if (this.#closed) return;
      this.#store.setState({ micError: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Resolves undefined once Hearth was asked to speak the sample, or with why it cannot. */
  async testVoice(rate: number): Promise<string | undefined> {
    // Inside the tap: the browser then lets the sample's audio play.
    this.#deps.player.prepare();
    try {
      await this.#deps.link.testVoice(rate);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  close(): void {
    this.#closed = true;
  }
}
