// Hearth's voice, put together from the engines found at start-up: the speech
// detector and recognizer hear each client (voiceListening.ts), the voice speaks
// answers back (answerVoices.ts). It is both the SpeechPort the clients stream
// audio to and the VoicePort the commands use. An engine that is missing turns
// its half off with the reason, and typing works as before.
import { randomUUID } from 'node:crypto';
import type { VoiceAvailability } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { VoiceEngineReport } from '../../shared/voice';
import type { Logger } from '../base/log';
import type { SpeechPort, UtteranceListener, UtteranceSource } from '../contracts/speech';
import { ApiFailure } from '../contracts/failure';
import type {
  AnswerTextPort,
  VoiceClientsPort,
  VoicePort,
  VoiceSettingsPort,
} from '../contracts/voice';
import type { ThreadRegistry } from '../threads/registry';
import type { SentenceVoice } from './answerSpeech';
import { AnswerVoices } from './answerVoices';
import { Flite } from './flite';
import { Pocketsphinx } from './pocketsphinx';
import { SpeakableText } from './speakable';
import { VoiceActivity } from './voiceActivity';
import { VoiceListening, type SpeechDetector } from './voiceListening';

export interface VoiceServiceOptions {
  clients: VoiceClientsPort;
  answers: AnswerTextPort;
  /** What findVoiceEngines() finds at start-up; voice is off until it has. */
  engines: Promise<VoiceEngineReport> | VoiceEngineReport;
  logger: Logger;
  maxUtteranceMs: number;
  /** Whose PATH flite and pocketsphinx are run from. */
  env?: NodeJS.ProcessEnv;
  registry?: ThreadRegistry;
  /** flite's speaking rate (Settings > Voice); default 1. */
  rate?: number;
  /** How long hands-free waits in silence, told to clients; default 8 s. */
  handsFreeQuietMs?: number;
}

/** What Settings > Voice's Test says. */
export const TEST_SENTENCE = 'This is how Hearth sounds.';
const DEFAULT_HANDS_FREE_QUIET_MS = 8_000;

/** A sentence spoken to a speaker stays in the room this much longer (echo tail). */
const ECHO_TAIL_MS = 400;

export class VoiceService implements VoicePort, VoiceSettingsPort, SpeechPort {
  readonly #options: VoiceServiceOptions;
  #availability: VoiceAvailability = {
    canHear: false,
    canSpeak: false,
    note: 'Hearth is still looking for its voice engines.',
  };
  #tts: string = 'no voice is installed';
  readonly #ready: Promise<void>;
  readonly #flite: Flite;
  readonly #recognizer: Pocketsphinx;
  readonly #speaking: AnswerVoices;
  readonly #listening: VoiceListening;
  #rate: number;
  #handsFreeQuietMs: number;
  readonly #availabilityChanged: Emitter<VoiceAvailability>;

  constructor(options: VoiceServiceOptions) {
    this.#options = options;
    this.#rate = options.rate ?? 1;
    this.#handsFreeQuietMs = options.handsFreeQuietMs ?? DEFAULT_HANDS_FREE_QUIET_MS;
    this.#availabilityChanged = new Emitter((error) =>
      options.logger.error('voice_availability_listener_failed', { error: String(error) }),
    );
    const { logger, env } = options;
    this.#ready = Promise.resolve(options.engines).then(
      (engines) => {
        this.#availability = availabilityOf(engines);
        this.#tts = engines.tts.error ?? this.#tts;
        logger.info('voice_engines', { ...engines, ...this.#availability });
      },
      (error: unknown) => {
        this.#availability = { canHear: false, canSpeak: false, note: 'Voice could not start.' };
        logger.error('voice_engines_failed', { error: String(error) });
      },
    );
    this.#flite = new Flite({ env });
    this.#recognizer = new Pocketsphinx({ env });
    this.#speaking = new AnswerVoices({
      clients: options.clients,
      answers: options.answers,
      // The rate is read at each answer: a change in Settings applies to the next one.
      voice: () =>
        this.#availability.canSpeak ? this.#voiceAt(this.#rate) : { missing: this.#tts },
      splitter: () => new SpeakableText(),
      logger,
    });
    const recognizer = this.#recognizer;
    this.#listening = new VoiceListening({
      clients: options.clients,
      detector: () => this.#detector(),
      recognizer: {
        transcribe: async (pcm, signal) => (await recognizer.transcribe(pcm, { signal })).text,
      },
      isPlaying: (clientId) => this.#speaking.isPlaying(clientId, ECHO_TAIL_MS),
      speakAnswer: (clientId, conversationId, answerId) => {
        if (this.#availability.canSpeak) this.#speaking.speak(clientId, conversationId, answerId);
      },
      logger,
      maxUtteranceMs: options.maxUtteranceMs,
    });
  }

  /** Resolves once the engines are known (never rejects). */
  ready(): Promise<void> {
    return this.#ready;
  }

  availability(): VoiceAvailability {
    return { ...this.#availability, handsFreeQuietMs: this.#handsFreeQuietMs };
  }

  /** Each change of what availability() says after start-up (Settings > Voice). */
  onAvailability(listener: (voice: VoiceAvailability) => void): Subscription {
    return this.#availabilityChanged.subscribe(listener);
  }

  setRate(rate: number): void {
    this.#rate = rate;
  }

  setHandsFreeQuietMs(ms: number): void {
    if (ms === this.#handsFreeQuietMs) return;
    this.#handsFreeQuietMs = ms;
    this.#availabilityChanged.fire(this.availability());
  }

  testVoice(clientId: string, rate: number = this.#rate): void {
    if (!this.#availability.canSpeak) {
      throw new ApiFailure('bad_request', `Hearth cannot speak: ${this.#tts}`);
    }
    // A fresh answer id: the client plays it like any spoken answer, cutting what it was playing.
    this.#speaking.speakText(clientId, randomUUID(), TEST_SENTENCE, this.#voiceAt(rate));
  }

  listen(source: UtteranceSource): UtteranceListener {
    if (this.#availability.canHear) return this.#listening.listen(source);
    // No ears: the client hears why once it ends the utterance.
    const tell = (): void =>
      this.#options.clients.deliver(source.clientId, {
        type: 'voice',
        utterance: source.utterance,
        state: 'idle',
        note: this.#availability.note ?? 'Hearth cannot hear on this machine.',
      });
    return { hear: () => {}, end: tell, drop: () => {} };
  }

  speakAnswer(clientId: string, conversationId: string, messageId: string): void {
    this.#speaking.speak(clientId, conversationId, messageId);
  }

  stopSpeech(clientId: string, messageId: string): void {
    this.#speaking.stop(clientId, messageId);
  }

  /** The client's session ended: its speech stops and its detector goes. */
  async forget(clientId: string): Promise<void> {
    this.#speaking.forget(clientId);
    await this.#listening.forget(clientId);
  }

  async dispose(): Promise<void> {
    this.#availabilityChanged.dispose();
    this.#speaking.dispose();
    await this.#listening.dispose();
    await this.#flite.dispose();
    await this.#recognizer.dispose();
  }

  #voiceAt(rate: number): SentenceVoice {
    const flite = this.#flite;
    return {
      sampleRate: 16_000,
      speak: (sentence, signal) => flite.speak(sentence, { signal, rate }),
    };
  }

  #detector(): SpeechDetector {
    const vad = new VoiceActivity({
      logger: this.#options.logger,
      registry: this.#options.registry,
      maxUtteranceMs: this.#options.maxUtteranceMs,
    });
    const started = vad.start().catch((error: unknown) => {
      this.#options.logger.error('voice_activity_failed', { error: String(error) });
    });
    return {
      feed: (pcm) => vad.feed(pcm),
      setStrict: (on) => vad.setStrict(on),
      reset: () => vad.reset(),
      onSpeechStart: (listener) => vad.onSpeechStart(listener),
      onSpeechEnd: (listener) => vad.onSpeechEnd(listener),
      settled: async () => {
        await started;
        if (vad.ready) await vad.stats();
      },
      dispose: () => vad.dispose(),
    };
  }
}

/** What clients are told, from what was found at start-up. */
export function availabilityOf(engines: VoiceEngineReport): VoiceAvailability {
  const canHear = engines.vad.present && engines.stt.engine !== 'none';
  const canSpeak = engines.tts.engine !== 'none';
  const problems = [
    !engines.vad.present && engines.vad.error,
    engines.stt.engine === 'none' && withInstall(engines.stt),
    !canSpeak && withInstall(engines.tts),
  ].filter((problem): problem is string => typeof problem === 'string' && problem !== '');
  if (problems.length > 0) return { canHear, canSpeak, note: problems.join(' ') };
  if (engines.stt.engine === 'pocketsphinx') {
    return {
      canHear,
      canSpeak,
      note: 'Speech is recognised with pocketsphinx, which is less accurate than a downloaded model.',
    };
  }
  return { canHear, canSpeak };
}

function withInstall(engine: { error?: string; install?: string }): string | undefined {
  if (!engine.error) return undefined;
  return engine.install ? `${engine.error} (install: ${engine.install})` : engine.error;
}
