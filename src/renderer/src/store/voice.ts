// The voice actions (the slice and the state machine are in voiceSlice.ts):
// the microphone and each utterance, what Hearth says of it, and when the
// answer's speech (voicePlayback.ts) starts and ends.
import type { Disposable } from '../../../shared/lifecycle';
import type { StoreApi } from 'zustand/vanilla';
import type { MicCapture } from '../voice/micCapture';
import { QuietTimer } from '../voice/quietTimer';
import type { SpokenChunk, VoiceLinkUpdate } from '../voice/voiceLink';
import { writeVoicePrefs } from '../voice/voicePrefs';
import { utteranceIds } from '../voice/utteranceSender';
import { AnswerPlayback } from './voicePlayback';
import { VoiceOffer } from './voiceOffer';
import {
  HANDS_FREE_QUIET_MS,
  NO_REPLY,
  TRANSCRIBE_TIMEOUT_MS,
  voiceStartState,
  type VoiceActions,
  type VoiceDeps,
  type VoiceHost,
  type VoiceSlice,
} from './voiceSlice';

export * from './voiceSlice';

/** The voice actions on `store`; dispose() closes the microphone and the player. */
export function createVoice(
  store: StoreApi<VoiceSlice>,
  deps: VoiceDeps,
  host: VoiceHost,
): VoiceActions & { dispose(): Promise<void> } {
  const controller = new VoiceController(store, deps, host);
  // Plain functions, so a button can take one as its onClick as it is.
  return {
    talk: () => controller.talk(),
    stopSpeaking: () => controller.stopSpeaking(),
    setSpeakAnswers: (on) => controller.setSpeakAnswers(on),
    setHandsFree: (on) => controller.setHandsFree(on),
    testVoice: (rate) => controller.testVoice(rate),
    dispose: () => controller.dispose(),
  };
}

class VoiceController implements VoiceActions, Disposable {
  readonly #store: StoreApi<VoiceSlice>;
  readonly #deps: VoiceDeps;
  readonly #host: VoiceHost;
  readonly #nextUtterance: () => number;
  readonly #unsubscribe: (() => void)[];
  /** Counts microphone openings: callbacks of an older one change nothing. */
  #turn = 0;
  /** The microphone, while it is open or opening. */
  #capture: Promise<MicCapture | undefined> | undefined;
  /** The utterance last sent: Hearth's news of any other is old news. */
  #utterance: number | undefined;
  /** An utterance ended only to close the microphone: what Hearth says of it is not shown. */
  #abandoned: number | undefined;
  /** The answer being spoken, and those whose speech was cut. */
  readonly #playback: AnswerPlayback;
  /** Whether Hearth can hear and speak, typed prompts' answers spoken, Test voice. */
  readonly #offer: VoiceOffer;
  /** The answer to come (or being spoken) follows a spoken prompt: hands-free goes on after it. */
  #voiceTurn = false;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  readonly #quiet: QuietTimer;
  #disposed = false;

  constructor(store: StoreApi<VoiceSlice>, deps: VoiceDeps, host: VoiceHost) {
    this.#store = store;
    this.#deps = deps;
    this.#host = host;
    this.#nextUtterance = deps.nextUtterance ?? utteranceIds();
    this.#playback = new AnswerPlayback(deps.player, deps.link);
    this.#quiet = new QuietTimer(deps.quietMs ?? HANDS_FREE_QUIET_MS, () => this.#gaveUp());
    const { speakAnswers, handsFree, talkUnavailable } = voiceStartState(deps);
    const offer = new VoiceOffer(store, deps, talkUnavailable, (ms) => (this.#quiet.quietMs = ms));
    this.#offer = offer;
    store.setState({ speakAnswers, handsFree, talkUnavailable });
    this.#unsubscribe = [
      deps.link.onVoiceState((update) => this.#linkUpdate(update)),
      deps.link.onSpokenAudio((chunk) => this.#spoken(chunk)),
      deps.link.onAvailability((voice) => offer.availability(voice)),
      deps.player.onIdle(() => this.#checkSpoken()),
      host.onTypedPrompt((sent) => offer.typedPrompt(sent)),
    ];
  }

  talk(): void {
    if (this.#disposed) return;
    const { voiceState, talkUnavailable } = this.#store.getState();
    if (talkUnavailable) {
      this.#store.setState({ micError: talkUnavailable });
      return;
    }
    switch (voiceState) {
      case 'idle':
        this.#voiceTurn = false;
        // The microphone opens at once (inside the tap); the conversation is
        // there long before Hearth has words to put in it.
        this.#host.ensureConversation().catch(() => {});
        this.#listen();
        return;
      case 'listening':
        void this.#endUtterance();
        return;
      case 'transcribing':
        // One utterance at a time: the next starts once Hearth has this one.
        return;
      case 'speaking':
        this.#bargeIn();
        return;
    }
  }

  stopSpeaking(): void {
    if (this.#store.getState().voiceState !== 'speaking') return;
    this.#playback.silence();
    this.#voiceTurn = false;
    // Hands-free keeps the microphone it opened for the next words.
    if (this.#capture) this.#nowListening();
    else this.#store.setState({ voiceState: 'idle' });
  }

  setSpeakAnswers(on: boolean): void {
    this.#deps.player.prepare();
    this.#store.setState({ speakAnswers: on });
    this.#savePrefs();
  }

  setHandsFree(on: boolean): void {
    this.#deps.player.prepare();
    this.#store.setState({ handsFree: on });
    this.#savePrefs();
    const { voiceState } = this.#store.getState();
    if (on) {
      if (voiceState === 'listening') this.#quiet.start();
      return;
    }
    this.#quiet.stop();
    // The microphone hands-free opened during the answer closes; one the person opened stays.
    if (voiceState === 'speaking' && this.#capture) void this.#abandon();
  }

  testVoice(rate: number): Promise<string | undefined> {
    return this.#offer.testVoice(rate);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#offer.close();
    this.#turn++;
    this.#clearWatchdog();
    this.#quiet.stop();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    // Not awaited: a microphone still opening (a permission prompt) closes once it opens.
    void this.#capture?.then((capture) => capture?.close());
    this.#capture = undefined;
    await this.#deps.player.dispose();
  }

  /**
   * Opens the microphone for a new utterance. In 'speaking' it opens beside
   * the answer being played (hands-free), and the state stays 'speaking'.
   */
  #listen(during: 'listening' | 'speaking' = 'listening'): void {
    // Inside the tap: the browser then lets the answer's audio play later.
    this.#deps.player.prepare();
    const turn = ++this.#turn;
    const utterance = this.#nextUtterance();
    this.#utterance = utterance;
    this.#store.setState({
      ...(during === 'listening' ? { voiceState: 'listening' as const, micError: undefined } : {}),
      micOpen: true,
      level: 0,
    });
    if (during === 'listening' && this.#store.getState().handsFree) this.#quiet.start();
    this.#capture = this.#deps
      .openCapture({
        utterance,
        send: (bytes) => this.#deps.link.sendAudio(bytes),
        onLevel: (level) => {
          if (turn !== this.#turn || !this.#store.getState().micOpen) return;
          this.#quiet.level(level);
          this.#store.setState({ level });
        },
        onFailure: (message) => this.#failed(turn, message),
      })
      .then(
        (capture) => {
          // Disposed while the microphone was opening: close it at once.
          if (this.#disposed) void capture.close();
          return capture;
        },
        (error: unknown) => {
          this.#failed(turn, error instanceof Error ? error.message : String(error));
          return undefined;
        },
      );
  }

  /** The microphone stays open for what the person says next (hands-free). */
  #nowListening(): void {
    this.#store.setState({ voiceState: 'listening' });
    if (this.#store.getState().handsFree) this.#quiet.start();
  }

  /** Talk, or Hearth hearing the person, while Hearth speaks: it stops and listens. */
  #bargeIn(): void {
    this.#playback.silence();
    this.#host.stopAnswer().catch(() => {});
    this.#voiceTurn = false;
    if (this.#capture) this.#nowListening();
    else this.#listen();
  }

  async #endUtterance(): Promise<void> {
    const capture = this.#capture;
    this.#capture = undefined;
    if (!capture) return;
    this.#quiet.stop();
    this.#voiceTurn = true;
    this.#store.setState({ voiceState: 'transcribing', micOpen: false, level: 0 });
    this.#clearWatchdog();
    const turn = this.#turn;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined;
      if (turn !== this.#turn || this.#store.getState().voiceState !== 'transcribing') return;
      this.#voiceTurn = false;
      this.#store.setState({ voiceState: 'idle', micError: NO_REPLY });
    }, this.#deps.transcribeTimeoutMs ?? TRANSCRIBE_TIMEOUT_MS);
    await (await capture)?.finish();
  }

  /**
   * Closes the microphone hands-free opened without the person using it. Its
   * end frame still goes, so Hearth closes the utterance; its "nothing heard" is not shown.
   */
  async #abandon(): Promise<void> {
    const capture = this.#capture;
    this.#capture = undefined;
    this.#turn++;
    this.#abandoned = this.#utterance;
    this.#store.setState({ micOpen: false, level: 0 });
    // Dropped, not ended: what the microphone heard never becomes a prompt.
    await (await capture)?.drop();
  }

  /** The hands-free microphone heard nothing for a while: Hearth is asked what it heard. */
  #gaveUp(): void {
    if (this.#store.getState().voiceState === 'listening') void this.#endUtterance();
  }

  #failed(turn: number, message: string): void {
    if (turn !== this.#turn || this.#disposed) return;
    this.#turn++;
    this.#capture = undefined;
    this.#voiceTurn = false;
    this.#clearWatchdog();
    this.#quiet.stop();
    const speaking = this.#store.getState().voiceState === 'speaking';
    this.#store.setState({
      // A microphone hands-free opened beside the answer leaves the answer playing.
      ...(speaking ? {} : { voiceState: 'idle' as const }),
      micOpen: false,
      level: 0,
      micError: message,
    });
  }

  #linkUpdate(update: VoiceLinkUpdate): void {
    if (update.utterance !== this.#utterance || this.#disposed) return;
    const { voiceState } = this.#store.getState();
    switch (update.state) {
      case 'heardSpeech':
        // The person talks over Hearth: it stops, and the utterance goes on.
        if (voiceState === 'speaking' && this.#capture) this.#bargeIn();
        return;
      case 'transcribing':
        // Hearth heard the person stop (or cut the utterance at its limit).
        if (voiceState === 'speaking' && this.#capture) this.#bargeIn();
        if (this.#store.getState().voiceState === 'listening') void this.#endUtterance();
        return;
      case 'idle':
        this.#clearWatchdog();
        if (update.utterance === this.#abandoned) {
          if (voiceState === 'transcribing') this.#store.setState({ voiceState: 'idle' });
          return;
        }
        if (update.note) {
          // Nothing usable was heard: no answer comes, and hands-free stops here.
          this.#voiceTurn = false;
          this.#store.setState({ micError: update.note });
        }
        if (voiceState === 'transcribing') this.#store.setState({ voiceState: 'idle' });
        return;
    }
  }

  #spoken(chunk: SpokenChunk): void {
    if (this.#playback.isMuted(chunk.answerId) || this.#disposed) return;
    const { voiceState } = this.#store.getState();
    if (voiceState === 'listening') {
      // The person is talking: an answer's speech now would talk over them (and into the microphone).
      this.#playback.mute(chunk.answerId);
      return;
    }
    this.#playback.play(chunk);
    if (voiceState !== 'speaking' && this.#deps.player.speaking) {
      this.#clearWatchdog();
      this.#store.setState({ voiceState: 'speaking' });
      // Hands-free: the microphone opens for the next utterance (or to talk over this answer).
      if (this.#store.getState().handsFree && this.#voiceTurn && !this.#capture) {
        this.#listen('speaking');
      }
    }
    this.#checkSpoken();
  }

  /** After the answer's last chunk has played: idle, or in hands-free, listening. */
  #checkSpoken(): void {
    if (!this.#playback.playedToTheEnd()) return;
    if (this.#store.getState().voiceState !== 'speaking') return;
    const again = this.#store.getState().handsFree && this.#voiceTurn;
    this.#voiceTurn = false;
    if (this.#capture) this.#nowListening();
    else if (again && !this.#disposed) this.#listen();
    else this.#store.setState({ voiceState: 'idle' });
  }

  #savePrefs(): void {
    const { speakAnswers, handsFree } = this.#store.getState();
    writeVoicePrefs(this.#deps.memory, { speakAnswers, handsFree });
  }

  #clearWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
  }
}
