// Stand-ins for the voice's parts (store/voice.ts VoiceDeps), for the renderer's
// tests (not used by the app): a link the test drives, a player whose audio
// ends when told, a microphone that only records what it was asked, and
// storage in a Map.
import type { VoiceAvailability } from '../shared/api';
import { Emitter } from '../shared/emitter';
import type { MicCapture, MicCaptureOptions } from '../renderer/src/voice/micCapture';
import type { SpokenChunk, VoiceLink, VoiceLinkUpdate } from '../renderer/src/voice/voiceLink';
import type { PrefsMemory } from '../renderer/src/voice/voicePrefs';
import type { VoicePlayer } from '../renderer/src/store/voiceSlice';

export class FakeLink implements VoiceLink {
  readonly sent: Uint8Array[] = [];
  readonly stopped: string[] = [];
  readonly spokenAnswers: { conversationId: string; answerId: string }[] = [];
  /** What speakAnswer does: resolve, or reject with this error. */
  speakFails: Error | undefined;
  readonly spoken = new Emitter<SpokenChunk>();
  readonly states = new Emitter<VoiceLinkUpdate>();
  readonly availability = new Emitter<VoiceAvailability | undefined>();
  sendAudio(bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
  onSpokenAudio(listener: (chunk: SpokenChunk) => void): () => void {
    return this.spoken.subscribe(listener);
  }
  onVoiceState(listener: (update: VoiceLinkUpdate) => void): () => void {
    return this.states.subscribe(listener);
  }
  onAvailability(listener: (voice: VoiceAvailability | undefined) => void): () => void {
    return this.availability.subscribe(listener);
  }
  async speakAnswer(conversationId: string, answerId: string): Promise<void> {
    this.spokenAnswers.push({ conversationId, answerId });
    if (this.speakFails) throw this.speakFails;
  }
  stopSpeech(answerId: string): void {
    this.stopped.push(answerId);
  }
  readonly tests: (number | undefined)[] = [];
  async testVoice(rate?: number): Promise<void> {
    this.tests.push(rate);
    if (this.speakFails) throw this.speakFails;
  }
}

/** A player whose audio "ends" when the test says so. */
export class FakePlayer implements VoicePlayer {
  queued = 0;
  cuts = 0;
  prepared = 0;
  disposed = false;
  readonly played: { samples: number; sampleRate: number }[] = [];
  readonly #idle = new Emitter<void>();
  get speaking(): boolean {
    return this.queued > 0;
  }
  prepare(): void {
    this.prepared++;
  }
  play(pcm: Int16Array, sampleRate: number): void {
    if (pcm.length === 0) return;
    this.played.push({ samples: pcm.length, sampleRate });
    this.queued++;
  }
  cut(): void {
    this.cuts++;
    this.queued = 0;
  }
  onIdle(listener: () => void): () => void {
    return this.#idle.subscribe(listener);
  }
  /** The audio thread finishing every queued chunk. */
  drain(): void {
    if (this.queued === 0) return;
    this.queued = 0;
    this.#idle.fire();
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

export class FakeCapture implements MicCapture {
  finished = 0;
  closed = 0;
  constructor(readonly options: MicCaptureOptions) {}
  async finish(): Promise<void> {
    this.finished++;
    this.options.send(new Uint8Array([0xa1, 0b10]));
  }
  async close(): Promise<void> {
    this.closed++;
  }
  dropped = 0;
  async drop(): Promise<void> {
    this.dropped++;
    this.options.send(new Uint8Array([0xa1, 0b110]));
  }
}

export class MapMemory implements PrefsMemory {
  constructor(readonly values = new Map<string, string>()) {}
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
}
