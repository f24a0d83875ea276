// Hearth's voice, put together from the engines found at start-up: the speech
// detector and recognizer hear each client (voiceListening.ts), the voice speaks
// answers back (answerVoices.ts). Which recognizer and voice are used is the
// owner's choice among the downloaded models and the floor engines
// (sherpa/engineSelection.ts, made callable by enginesInUse.ts). It is both the
// SpeechPort the clients stream audio to and the VoicePort the commands use. An
// engine that is missing turns its half off with the reason
// (voiceAvailability.ts), and typing works as before.
import { randomUUID } from 'node:crypto';
import type { VoiceAvailability } from '../../shared/api';
import type { Subscription } from '../../shared/emitter';
import type { VoiceEngineReport } from '../../shared/voice';
import type { RecognizerTest, VoiceEngineChoice } from '../../shared/voiceModelsSchema';
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
import { AnswerVoices } from './answerVoices';
import { EnginesInUse } from './enginesInUse';
import type { VoiceModelSource } from './models/installedVoiceModel';
import type { VoiceCatalogEntry } from './models/voiceCatalog';
import { TEST_SENTENCE, testRecognizer } from './sayAndHear';
import { EngineSelection } from './sherpa/engineSelection';
import { SpeakableText } from './speakable';
import { startSpeechDetector } from './speechDetector';
import type { BusyReport } from './voiceActivity';
import { VoiceAvailabilityState, whyNoVoice } from './voiceAvailability';
import { engineReportOf } from './voiceEngineReport';
import { VoiceListening } from './voiceListening';

export { TEST_SENTENCE } from './sayAndHear';

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

/** A sentence spoken to a speaker stays in the room this much longer (echo tail). */
const ECHO_TAIL_MS = 400;

export class VoiceService implements VoicePort, VoiceSettingsPort, SpeechPort {
  readonly #options: VoiceServiceOptions;
  readonly #availability: VoiceAvailabilityState;
  /** The engines found at start-up, once known. */
  #floor: VoiceEngineReport | undefined;
  readonly #selection: EngineSelection;
  readonly #engines: EnginesInUse;
  readonly #disposing = new AbortController();
  readonly #ready: Promise<void>;
  readonly #speaking: AnswerVoices;
  readonly #listening: VoiceListening;
  #rate: number;

  constructor(options: VoiceServiceOptions) {
    this.#options = options;
    this.#rate = options.rate ?? 1;
    const { logger } = options;
    this.#availability = new VoiceAvailabilityState({
      logger,
      handsFreeQuietMs: options.handsFreeQuietMs,
    });
    this.#selection = new EngineSelection({
      source: options.models,
      recognizer: options.recognizer,
      voice: options.voice,
      catalog: options.catalog,
      logger,
      registry: options.registry,
      scriptProcesses: options.scriptProcesses,
    });
    this.#engines = new EnginesInUse({
      selection: this.#selection,
      env: options.env,
      load: options.load,
      onFailed: () => this.#refreshAvailability(),
    });
    this.#ready = Promise.resolve(options.engines).then(
      async (engines) => {
        this.#floor = engines;
        await this.#selection.start(engines);
        const { hearing, speaking } = this.#selection;
        this.#availability.started(engines.vad, hearing, speaking);
        this.#engines.tryPicked();
        logger.info('voice_engines', { ...this.engineReport(), ...this.#availability.now });
      },
      (error: unknown) => {
        this.#availability.startFailed();
        logger.error('voice_engines_failed', { error: String(error) });
      },
    );
    this.#speaking = new AnswerVoices({
      clients: options.clients,
      answers: options.answers,
      // The rate is read at each answer: a change in Settings applies to the next one.
      voice: () =>
        this.#availability.now.canSpeak
          ? this.#engines.voiceAt(this.#rate)
          : { missing: whyNoVoice(this.#selection.speaking) },
      splitter: () => new SpeakableText(),
      logger,
    });
    this.#listening = new VoiceListening({
      clients: options.clients,
      detector: () =>
        startSpeechDetector({
          logger,
          registry: options.registry,
          maxUtteranceMs: options.maxUtteranceMs,
          load: options.load,
        }),
      recognizer: { transcribe: (pcm, signal) => this.#engines.transcribe(pcm, signal) },
      isPlaying: (clientId) => this.#speaking.isPlaying(clientId, ECHO_TAIL_MS),
      speakAnswer: (clientId, conversationId, answerId) => {
        if (this.#availability.now.canSpeak) {
          this.#speaking.speak(clientId, conversationId, answerId);
        }
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
    return this.#availability.report();
  }

  /** Each change of what availability() says after start-up (Settings > Voice). */
  onAvailability(listener: (voice: VoiceAvailability) => void): Subscription {
    return this.#availability.subscribe(listener);
  }

  setRate(rate: number): void {
    this.#rate = rate;
  }

  setRecognizer(choice: string): Promise<void> {
    return this.#repick(() => this.#selection.choose('recognizer', choice));
  }

  setVoice(choice: string): Promise<void> {
    return this.#repick(() => this.#selection.choose('voice', choice));
  }

  /** Picks the engines again: a voice model was downloaded or removed. */
  modelsChanged(): Promise<void> {
    return this.#repick(() => this.#selection.refresh());
  }

  /** What is chosen and in use for each half, for Settings > Voice. */
  choices(): { recognizer: VoiceEngineChoice; voice: VoiceEngineChoice } {
    return { recognizer: this.#selection.hearing.choice, voice: this.#selection.speaking.choice };
  }

  /** The engines in use, for /healthz and Settings. */
  engineReport(): VoiceEngineReport {
    return engineReportOf(this.#floor, this.#selection.hearing, this.#selection.speaking);
  }

  /**
   * Speaks TEST_SENTENCE with the voice in use and transcribes it with the
   * recognizer in use: what Settings > Voice's recognizer Test shows.
   */
  async testRecognizer(): Promise<RecognizerTest> {
    await this.#ready;
    return testRecognizer({
      availability: this.#availability.now,
      voice: this.#engines.voiceAt(this.#rate),
      transcribe: (pcm, signal) => this.#engines.transcribe(pcm, signal),
      signal: this.#disposing.signal,
    });
  }

  setHandsFreeQuietMs(ms: number): void {
    this.#availability.setHandsFreeQuietMs(ms);
  }

  testVoice(clientId: string, rate: number = this.#rate): void {
    if (!this.#availability.now.canSpeak) {
      throw new ApiFailure(
        'bad_request',
        `Hearth cannot speak: ${whyNoVoice(this.#selection.speaking)}`,
      );
    }
    // A fresh answer id: the client plays it like any spoken answer, cutting what it was playing.
    this.#speaking.speakText(clientId, randomUUID(), TEST_SENTENCE, this.#engines.voiceAt(rate));
  }

  listen(source: UtteranceSource): UtteranceListener {
    if (this.#availability.now.canHear) return this.#listening.listen(source);
    // No ears: the client hears why once it ends the utterance.
    const tell = (): void =>
      this.#options.clients.deliver(source.clientId, {
        type: 'voice',
        utterance: source.utterance,
        state: 'idle',
        note: this.#availability.now.note ?? 'Hearth cannot hear on this machine.',
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
    this.#availability.dispose();
    this.#speaking.dispose();
    await this.#listening.dispose();
    await this.#engines.dispose();
    await this.#selection.dispose();
  }

  async #repick(pick: () => Promise<void>): Promise<void> {
    await this.#ready;
    await pick();
    this.#refreshAvailability();
    this.#engines.tryPicked();
  }

  /** Tells clients when what voice can do changed; nothing is known before the engines are. */
  #refreshAvailability(): void {
    const floor = this.#floor;
    if (!floor) return;
    this.#availability.update(floor.vad, this.#selection.hearing, this.#selection.speaking);
  }
}
