// Hearth's voice, put together from the engines found at start-up: the speech
// detector and recognizer hear each client (voiceListening.ts), the voice speaks
// answers back (answerVoices.ts). Which recognizer and voice are used is the
// owner's choice among the downloaded models and the floor engines
// (sherpa/engineSelection.ts). It is both the SpeechPort the clients stream
// audio to and the VoicePort the commands use. An engine that is missing turns
// its half off with the reason, and typing works as before.
import { randomUUID } from 'node:crypto';
import type { VoiceAvailability } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { VoiceEngineReport } from '../../shared/voice';
import type {
  RecognizerTest,
  VoiceEngineChoice,
  VoiceModelKind,
} from '../../shared/voiceModelsSchema';
import type { Logger } from '../base/log';
import type { ScriptProcessPort } from '../contracts/scriptProcess';
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
import type { VoiceModelSource } from './models/installedVoiceModel';
import type { VoiceCatalogEntry } from './models/voiceCatalog';
import { EngineSelection } from './sherpa/engineSelection';
import { resample } from './sherpa/resample';
import { SherpaLoadError } from './sherpa/sherpaThread';
import { Pocketsphinx } from './pocketsphinx';
import { SpeakableText } from './speakable';
import { VoiceActivity, type BusyReport } from './voiceActivity';
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
  /** The downloaded recognizers and voices (the voice model store). */
  models: VoiceModelSource;
  /** The saved choices (Settings > Voice): 'auto', a catalog id or the floor's name; default 'auto'. */
  recognizer?: string;
  voice?: string;
  /** Default: the built-in catalog. */
  catalog?: readonly VoiceCatalogEntry[];
  /** What tries a downloaded model in a throwaway process first; default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
  /**
   * Where voice work is reported as load, for the thermal side (thermal/voiceLoad.ts):
   * transcriptions and synthesis as jobs, the speech detectors' measured busy time.
   */
  load?: { track<T>(job: () => Promise<T>): Promise<T> } & BusyReport;
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
  #floor: VoiceEngineReport | undefined;
  readonly #engines: EngineSelection;
  readonly #disposing = new AbortController();
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
    this.#engines = new EngineSelection({
      source: options.models,
      recognizer: options.recognizer,
      voice: options.voice,
      catalog: options.catalog,
      logger,
      registry: options.registry,
      scriptProcesses: options.scriptProcesses,
    });
    this.#ready = Promise.resolve(options.engines).then(
      async (engines) => {
        this.#floor = engines;
        await this.#engines.start(engines);
        this.#availability = this.#availabilityNow();
        this.#tryPicked();
        logger.info('voice_engines', { ...this.engineReport(), ...this.#availability });
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
        this.#availability.canSpeak
          ? this.#voiceAt(this.#rate)
          : { missing: this.#engines.speaking.choice.error ?? 'no voice is installed' },
      splitter: () => new SpeakableText(),
      logger,
    });
    this.#listening = new VoiceListening({
      clients: options.clients,
      detector: () => this.#detector(),
      recognizer: { transcribe: (pcm, signal) => this.#transcribe(pcm, signal) },
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

  setRecognizer(choice: string): Promise<void> {
    return this.#repick(() => this.#engines.choose('recognizer', choice));
  }

  setVoice(choice: string): Promise<void> {
    return this.#repick(() => this.#engines.choose('voice', choice));
  }

  /** Picks the engines again: a voice model was downloaded or removed. */
  modelsChanged(): Promise<void> {
    return this.#repick(() => this.#engines.refresh());
  }

  /** What is chosen and in use for each half, for Settings > Voice. */
  choices(): { recognizer: VoiceEngineChoice; voice: VoiceEngineChoice } {
    return { recognizer: this.#engines.hearing.choice, voice: this.#engines.speaking.choice };
  }

  /** The engines in use, for /healthz and Settings. */
  engineReport(): VoiceEngineReport {
    const floor = this.#floor;
    const hearing = this.#engines.hearing;
    const speaking = this.#engines.speaking;
    const model = (inUse: string, engine: string) =>
      engine === 'none' || inUse === engine ? {} : { model: inUse };
    const error = (choice: VoiceEngineChoice) =>
      choice.error === undefined ? {} : { error: choice.error };
    return {
      vad: floor?.vad ?? {
        present: false,
        error: 'Hearth is still looking for its voice engines.',
      },
      stt: {
        engine: hearing.engine,
        ...model(hearing.choice.inUse, hearing.engine),
        ...error(hearing.choice),
        ...(hearing.engine === 'none' && floor?.stt.install ? { install: floor.stt.install } : {}),
      },
      tts: {
        engine: speaking.engine,
        ...model(speaking.choice.inUse, speaking.engine),
        ...error(speaking.choice),
        ...(speaking.engine === 'none' && floor?.tts.install ? { install: floor.tts.install } : {}),
      },
    };
  }

  /**
   * Speaks TEST_SENTENCE with the voice in use and transcribes it with the
   * recognizer in use: what Settings > Voice's recognizer Test shows.
   */
  async testRecognizer(): Promise<RecognizerTest> {
    await this.#ready;
    const { canHear, canSpeak, note } = this.#availability;
    if (!canSpeak) throw new ApiFailure('bad_request', `Hearth cannot speak: ${note ?? ''}`.trim());
    if (!canHear) throw new ApiFailure('bad_request', `Hearth cannot hear: ${note ?? ''}`.trim());
    const signal = this.#disposing.signal;
    const voice = this.#voiceAt(this.#rate);
    let pcm: Int16Array;
    try {
      pcm = resample(await voice.speak(TEST_SENTENCE, signal), voice.sampleRate, 16_000);
    } catch (error) {
      throw new ApiFailure(
        'bad_request',
        `Hearth could not speak the test sentence: ${reason(error)}`,
      );
    }
    const began = performance.now();
    let heard: string;
    try {
      heard = await this.#transcribe(pcm, signal);
    } catch (error) {
      throw new ApiFailure(
        'bad_request',
        `Hearth could not hear the test sentence: ${reason(error)}`,
      );
    }
    return { said: TEST_SENTENCE, heard, ms: Math.round(performance.now() - began) };
  }

  setHandsFreeQuietMs(ms: number): void {
    if (ms === this.#handsFreeQuietMs) return;
    this.#handsFreeQuietMs = ms;
    this.#availabilityChanged.fire(this.availability());
  }

  testVoice(clientId: string, rate: number = this.#rate): void {
    if (!this.#availability.canSpeak) {
      throw new ApiFailure(
        'bad_request',
        `Hearth cannot speak: ${this.#engines.speaking.choice.error ?? 'no voice is installed'}`,
      );
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
    this.#disposing.abort();
    this.#availabilityChanged.dispose();
    this.#speaking.dispose();
    await this.#listening.dispose();
    await this.#flite.dispose();
    await this.#recognizer.dispose();
    await this.#engines.dispose();
  }

  async #repick(pick: () => Promise<void>): Promise<void> {
    await this.#ready;
    await pick();
    this.#refreshAvailability();
    this.#tryPicked();
  }

  /**
   * A downloaded model just picked is tried at once in a throwaway process (its
   * worker still loads at first use): one that cannot load turns its half off
   * now, and Settings says why while the owner is still there.
   */
  #tryPicked(): void {
    const { hearing, speaking } = this.#engines;
    for (const [kind, sherpa] of [
      ['recognizer', hearing.sherpa],
      ['voice', speaking.sherpa],
    ] as const) {
      sherpa?.check().catch((error: unknown) => this.#failed(kind, sherpa, error));
    }
  }

  /** Tells clients when what voice can do changed. */
  #refreshAvailability(): void {
    const before = this.#availability;
    this.#availability = this.#availabilityNow();
    if (
      before.canHear !== this.#availability.canHear ||
      before.canSpeak !== this.#availability.canSpeak ||
      before.note !== this.#availability.note
    ) {
      this.#availabilityChanged.fire(this.availability());
    }
  }

  #availabilityNow(): VoiceAvailability {
    const floor = this.#floor;
    if (!floor) return this.#availability;
    return availabilityOf(floor.vad, this.#engines.hearing, this.#engines.speaking);
  }

  /** A model that failed to load turns its half off, and clients are told. */
  #failed(kind: VoiceModelKind, engine: object, error: unknown): void {
    if (!(error instanceof SherpaLoadError)) return;
    this.#engines.failed(kind, engine, error);
    this.#refreshAvailability();
  }

  /** Runs voice work, reported as load to the thermal side when there is one. */
  #asLoad<T>(job: () => Promise<T>): Promise<T> {
    return this.#options.load ? this.#options.load.track(job) : job();
  }

  #transcribe(pcm: Int16Array, signal: AbortSignal): Promise<string> {
    return this.#asLoad(() => this.#transcribeNow(pcm, signal));
  }

  async #transcribeNow(pcm: Int16Array, signal: AbortSignal): Promise<string> {
    const sherpa = this.#engines.hearing.sherpa;
    if (!sherpa) return (await this.#recognizer.transcribe(pcm, { signal })).text;
    try {
      return await sherpa.transcribe(pcm, signal);
    } catch (error) {
      this.#failed('recognizer', sherpa, error);
      throw error;
    }
  }

  #voiceAt(rate: number): SentenceVoice {
    const sherpa = this.#engines.speaking.sherpa;
    if (sherpa) {
      return {
        get sampleRate() {
          return sherpa.sampleRate;
        },
        speak: (sentence, signal) =>
          this.#asLoad(() => sherpa.speak(sentence, signal, rate)).catch((error: unknown) => {
            this.#failed('voice', sherpa, error);
            throw error;
          }),
      };
    }
    const flite = this.#flite;
    return {
      sampleRate: 16_000,
      speak: (sentence, signal) => this.#asLoad(() => flite.speak(sentence, { signal, rate })),
    };
  }

  #detector(): SpeechDetector {
    const vad = new VoiceActivity({
      logger: this.#options.logger,
      registry: this.#options.registry,
      maxUtteranceMs: this.#options.maxUtteranceMs,
      load: this.#options.load,
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

/** What clients are told: what the engines in use can do, and why not. */
export function availabilityOf(
  vad: VoiceEngineReport['vad'],
  hearing: { engine: string; choice: VoiceEngineChoice },
  speaking: { engine: string; choice: VoiceEngineChoice },
): VoiceAvailability {
  const canHear = vad.present && hearing.engine !== 'none';
  const canSpeak = speaking.engine !== 'none';
  const problems = [
    !vad.present && withInstall(vad),
    hearing.engine === 'none' && hearing.choice.error,
    !canSpeak && speaking.choice.error,
  ].filter((problem): problem is string => typeof problem === 'string' && problem !== '');
  if (problems.length > 0) return { canHear, canSpeak, note: problems.join(' ') };
  if (hearing.engine === 'pocketsphinx') {
    return {
      canHear,
      canSpeak,
      note: 'Speech is recognised with pocketsphinx, which is less accurate than a downloaded model: Settings > Voice offers a download.',
    };
  }
  return { canHear, canSpeak };
}

/** An error's message, as one sentence for the owner. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withInstall(engine: { error?: string; install?: string }): string | undefined {
  if (!engine.error) return undefined;
  return engine.install ? `${engine.error} (install: ${engine.install})` : engine.error;
}
