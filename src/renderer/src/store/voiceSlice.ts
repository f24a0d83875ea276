// The voice slice of the store (its actions are voice.ts): whether Hearth is
// listening, transcribing or speaking here, whether the microphone is open and its level, this device's
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
import type { MicCapture, MicCaptureOptions } from '../voice/micCapture';
import type { VoiceLink } from '../voice/voiceLink';
import { readVoicePrefs, type PrefsMemory } from '../voice/voicePrefs';

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
