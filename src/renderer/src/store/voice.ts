// The voice slice of the store: whether Hearth is listening, transcribing or
// speaking here, whether the microphone is open and its level, this device's
// two voice switches, and the one sentence to show when the microphone cannot
// be used. The actions drive the microphone (voice/micCapture.ts), the player
// (voice/speechPlayer.ts) and the link to main (voice/voiceLink.ts), each
// behind an interface, so the transitions are tested with fakes.
//
//   idle --Talk--> listening --Talk, or Hearth heard the end--> transcribing
//   transcribing --Hearth is done--> idle --the answer's speech--> speaking
//   speaking --it is all played--> idle
//   speaking --Talk (barge-in)--> listening, the speech cut and the answer stopped
//   speaking --Stop speaking--> idle
//
// Hands-free, after a spoken prompt: as its answer starts to play, the
// microphone opens again for the next utterance and stays open while Hearth
// speaks. Hearth's speech detector tells when the person starts talking over
// it (heardSpeech): the speech is cut and the answer stopped, and the
// utterance goes on until they pause. Once the answer has been played it is
// simply listening. Hands-free ends when an utterance comes back with a note
// (nothing heard, or refused), and it gives up on an utterance when the
// microphone has been quiet for a while (Settings > Voice, told with Hearth's
// availability; HANDS_FREE_QUIET_MS until then): it ends it, and Hearth
// answers "I didn't hear anything.", which ends hands-free. Push-to-talk
// (hands-free off) never ends an utterance by itself.
import type { VoiceAvailability } from '../../../shared/api';
import type { Disposable } from '../../../shared/lifecycle';
import type { StoreApi } from 'zustand/vanilla';
import type { MicCapture, MicCaptureOptions } from '../voice/micCapture';
import { QuietTimer } from '../voice/quietTimer';
import type { SpokenChunk, VoiceLink, VoiceLinkUpdate } from '../voice/voiceLink';
import { readVoicePrefs, writeVoicePrefs, type PrefsMemory } from '../voice/voicePrefs';
import { utteranceIds } from '../voice/utteranceSender';

export type VoiceState = 'idle' | 'listening' | 'transcribing' | 'speaking';

export interface VoiceSlice {
  voiceState: VoiceState;
  /**
   * The microphone is open (or opening): while listening, and in hands-free
   * also while Hearth speaks, so the person can talk over it.
   */
  micOpen: boolean;
  /** The microphone's level while it is open (RMS, 0..1); 0 otherwise. */
  level: number;
  /** This device's "Speak answers" switch (kept in the browser). */
  speakAnswers: boolean;
  /** This device's "Hands-free" switch (kept in the browser). */
  handsFree: boolean;
  /**
   * Why listening stopped or could not start, or why an answer could not be
   * spoken, in one sentence, until the next Talk.
   */
  micError?: string;
  /** Why this page cannot listen (no secure connection, Hearth cannot hear), if so. */
  talkUnavailable?: string;
}

export const initialVoice: VoiceSlice = {
  voiceState: 'idle',
  micOpen: false,
  level: 0,
  speakAnswers: false,
  handsFree: false,
};

/** What the voice actions play answers with (voice/speechPlayer.ts SpeechPlayer). */
export interface VoicePlayer {
  readonly speaking: boolean;
  prepare(): void;
  play(pcm: Int16Array, sampleRate: number): void;
  cut(): void;
  onIdle(listener: () => void): () => void;
  dispose(): Promise<void>;
}

export interface VoiceDeps {
  link: VoiceLink;
  /** Why this page can never listen, or undefined when it can ask for a microphone. */
  unavailable(): string | undefined;
  /** Opens the microphone for one utterance; rejects with the sentence to show. */
  openCapture(options: MicCaptureOptions): Promise<MicCapture>;
  player: VoicePlayer;
  /** Where the switches are kept; none in tests that do not care. */
  memory?: PrefsMemory;
  nextUtterance?: () => number;
  /** How long to wait for Hearth to answer an utterance before giving up on it. */
  transcribeTimeoutMs?: number;
  /** How long a hands-free microphone may stay quiet before its utterance is given up. */
  quietMs?: number;
}

/** A typed prompt the server accepted, and its answer's id (the outbox says so). */
export interface TypedPrompt {
  conversationId: string;
  answerId: string;
}

/** What the voice needs of the rest of the store. */
export interface VoiceHost {
  /** Stops the answer being written, keeping its partial text (as Stop does). */
  stopAnswer(): Promise<void>;
  /** Opens a new conversation if none is open, so that a transcript has somewhere to go. */
  ensureConversation(): Promise<void>;
  /** Each typed prompt the server accepted, with its answer's id. */
  onTypedPrompt(listener: (sent: TypedPrompt) => void): () => void;
}

export interface VoiceActions {
  /** The Talk button: start listening, end the utterance, or talk over the answer. */
  talk(): void;
  /** Silences the answer being spoken (its text goes on). */
  stopSpeaking(): void;
  setSpeakAnswers(on: boolean): void;
  setHandsFree(on: boolean): void;
  /**
   * Settings > Voice's Test: Hearth speaks a sample sentence here at this rate.
   * Resolves undefined once asked, or with why it cannot.
   */
  testVoice(rate: number): Promise<string | undefined>;
}

export const TRANSCRIBE_TIMEOUT_MS = 30_000;
export const HANDS_FREE_QUIET_MS = 8_000;
export const NO_REPLY = 'Hearth did not reply to what was said. Try again.';
export const CANNOT_HEAR = 'Hearth cannot hear on this machine.';
/** Answers whose speech was cut, remembered so their late chunks stay silent. */
const MUTED_KEPT = 16;

/** The voice fields a store starts with on this device: its switches, and whether it can listen. */
export function voiceStartState(deps: Pick<VoiceDeps, 'memory' | 'unavailable'>): VoiceSlice {
  return { ...initialVoice, ...readVoicePrefs(deps.memory), talkUnavailable: deps.unavailable() };
}

/** Why Talk cannot work here: the page's own reason first, then Hearth's. */
export function talkUnavailableReason(
  page: string | undefined,
  hearing: VoiceAvailability | undefined,
): string | undefined {
  if (page) return page;
  if (hearing?.canHear === false) return hearing.note ?? CANNOT_HEAR;
  return undefined;
}

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
  /** Why this page can never listen (found once). */
  readonly #pageReason: string | undefined;
  /** Whether Hearth can hear and speak, from the session's snapshot. */
  #hearing: VoiceAvailability | undefined;
  /** Counts microphone openings: callbacks of an older one change nothing. */
  #turn = 0;
  /** The microphone, while it is open or opening. */
  #capture: Promise<MicCapture | undefined> | undefined;
  /** The utterance last sent: Hearth's news of any other is old news. */
  #utterance: number | undefined;
  /** An utterance ended only to close the microphone: what Hearth says of it is not shown. */
  #abandoned: number | undefined;
  /** The answer being spoken, and whether its last chunk has come. */
  #answer: { id: string; complete: boolean } | undefined;
  readonly #muted: string[] = [];
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
    this.#quiet = new QuietTimer(deps.quietMs ?? HANDS_FREE_QUIET_MS, () => this.#gaveUp());
    const { speakAnswers, handsFree, talkUnavailable } = voiceStartState(deps);
    this.#pageReason = talkUnavailable;
    store.setState({ speakAnswers, handsFree, talkUnavailable });
    this.#unsubscribe = [
      deps.link.onVoiceState((update) => this.#linkUpdate(update)),
      deps.link.onSpokenAudio((chunk) => this.#spoken(chunk)),
      deps.link.onAvailability((voice) => this.#availability(voice)),
      deps.player.onIdle(() => this.#checkSpoken()),
      host.onTypedPrompt((sent) => this.#typedPrompt(sent)),
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
    this.#silence();
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

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
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
    this.#silence();
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
    await (await capture)?.finish();
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
    if (this.#muted.includes(chunk.answerId) || this.#disposed) return;
    const { voiceState } = this.#store.getState();
    if (voiceState === 'listening') {
      // The person is talking: an answer's speech now would talk over them (and into the microphone).
      this.#mute(chunk.answerId);
      return;
    }
    if (this.#answer?.id !== chunk.answerId) {
      // A new answer: what is left of the last one is not played.
      this.#deps.player.cut();
      this.#answer = { id: chunk.answerId, complete: false };
    }
    try {
      this.#deps.player.play(chunk.pcm, chunk.sampleRate);
    } catch (error) {
      console.warn('hearth: a chunk of speech could not be played', error);
    }
    if (chunk.last) this.#answer.complete = true;
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
    const answer = this.#answer;
    if (!answer?.complete || this.#deps.player.speaking) return;
    this.#answer = undefined;
    if (this.#store.getState().voiceState !== 'speaking') return;
    const again = this.#store.getState().handsFree && this.#voiceTurn;
    this.#voiceTurn = false;
    if (this.#capture) this.#nowListening();
    else if (again && !this.#disposed) this.#listen();
    else this.#store.setState({ voiceState: 'idle' });
  }

  #typedPrompt(sent: TypedPrompt): void {
    if (!this.#store.getState().speakAnswers || this.#hearing?.canSpeak === false) return;
    this.#deps.link.speakAnswer(sent.conversationId, sent.answerId).catch((error: unknown) => {
      if (this.#disposed) return;
      this.#store.setState({ micError: error instanceof Error ? error.message : String(error) });
    });
  }

  #availability(voice: VoiceAvailability | undefined): void {
    this.#hearing = voice;
    if (voice?.handsFreeQuietMs !== undefined) this.#quiet.quietMs = voice.handsFreeQuietMs;
    this.#store.setState({ talkUnavailable: talkUnavailableReason(this.#pageReason, voice) });
  }

  /** Cuts the answer's speech and keeps the rest of it from playing. */
  #silence(): void {
    const answer = this.#answer;
    this.#answer = undefined;
    this.#deps.player.cut();
    if (answer) this.#mute(answer.id);
  }

  #mute(answerId: string): void {
    if (this.#muted.includes(answerId)) return;
    this.#muted.push(answerId);
    if (this.#muted.length > MUTED_KEPT) this.#muted.shift();
    this.#deps.link.stopSpeech(answerId);
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
