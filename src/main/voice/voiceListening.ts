// Hearing a client: each utterance its microphone streams goes through a
// speech detector (Silero VAD in a worker), which notices when the person has
// finished (a short pause) so that Hearth ends the utterance itself, before the
// client does. The speech is then transcribed and sent as the client's prompt
// in the conversation it has open; its answer is spoken back. The client hears
// how it goes: 'transcribing' once Hearth has the utterance, 'idle' when it is
// done (with a note when nothing was heard, or the prompt was refused), and
// 'heardSpeech' when speech starts while Hearth is talking (barge-in). While the
// client's speaker plays Hearth's voice the detector is strict, so that voice
// is not taken for the person's.
//
// A client's utterances share its detector, whose worker lags behind the audio:
// the end of one utterance (found in its closing silence) may arrive after the
// next has begun. Each utterance resets the detector and keeps the generation
// that reset starts; events of any other generation are not its own.
import { audioDurationMs } from '../../shared/audio';
import type { HearthEvent } from '../../shared/api';
import type { Logger } from '../base/log';
import type { SpeechPort, UtteranceListener, UtteranceSource } from '../contracts/speech';
import type { VoiceClientsPort } from '../contracts/voice';

/** One client's speech detector: a VoiceActivity, or a test's own. */
export interface SpeechDetector {
  feed(pcm: Int16Array): void;
  setStrict(on: boolean): void;
  /**
   * Forgets speech in progress and starts a new generation, which it returns:
   * audio fed from now on is of it, and so are the events that audio causes.
   */
  reset(): number;
  /** Speech began, in audio of that generation. */
  onSpeechStart(listener: (generation: number) => void): () => void;
  /** The speech segment, pre-roll included, and the generation of its audio. */
  onSpeechEnd(listener: (pcm: Int16Array, generation: number) => void): () => void;
  /** Resolves once everything fed so far has been looked at. */
  settled(): Promise<unknown>;
  dispose(): Promise<void>;
}

export interface Recognizer {
  transcribe(pcm: Int16Array, signal: AbortSignal): Promise<string>;
}

export interface VoiceListeningOptions {
  clients: VoiceClientsPort;
  detector(): SpeechDetector;
  recognizer: Recognizer;
  /** Whether the client's speaker is playing Hearth's voice now. */
  isPlaying(clientId: string): boolean;
  /** Speaks the answer to the transcript back to the client. */
  speakAnswer(clientId: string, conversationId: string, answerId: string): void;
  logger: Logger;
  /** Silence fed after the client ends an utterance, so speech in progress is closed. */
  closingSilenceMs?: number;
  /** A client's detector (a worker) stops after this long without an utterance. Default 60 s. */
  detectorIdleMs?: number;
  /**
   * Clients that may be heard at once: each has a detector, a worker of some
   * 30-60 MB, so phones opening sessions cannot fill the Pi's memory. Default 4.
   */
  maxListening?: number;
  maxUtteranceMs: number;
}

export const NOTHING_HEARD = "I didn't hear anything.";
export const TOO_MANY_LISTENING =
  'Hearth is listening to too many people at once: try again in a moment.';

type VoiceState = Extract<HearthEvent, { type: 'voice' }>['state'];

export class VoiceListening implements SpeechPort {
  readonly #options: VoiceListeningOptions;
  readonly #detectors = new Map<string, SpeechDetector>();
  readonly #idle = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #abort = new AbortController();
  readonly #work = new Set<Promise<void>>();

  constructor(options: VoiceListeningOptions) {
    this.#options = options;
  }

  listen(source: UtteranceSource): UtteranceListener {
    const { clientId } = source;
    if (!this.#detectors.has(clientId) && !this.#roomFor(clientId)) {
      this.#options.logger.warn('voice_too_many_listening', { clientId });
      return refusing(source, this.#options.clients, TOO_MANY_LISTENING);
    }
    // Listening again: not idle, so not the one to give up its detector.
    clearTimeout(this.#idle.get(clientId));
    this.#idle.delete(clientId);
    return new HeardUtterance(source, this.#detectorOf(clientId), this.#options, {
      signal: this.#abort.signal,
      track: (work) => {
        this.#work.add(work);
        void work.finally(() => this.#work.delete(work));
      },
      finished: () => {
        clearTimeout(this.#idle.get(clientId));
        this.#idle.delete(clientId);
        const timer = setTimeout(() => {
          this.#idle.delete(clientId);
          void this.forget(clientId);
        }, this.#options.detectorIdleMs ?? 60_000);
        timer.unref();
        this.#idle.set(clientId, timer);
      },
    });
  }

  /** Whether a new client may be heard: there is room, or an idle client's detector can go. */
  #roomFor(clientId: string): boolean {
    const most = this.#options.maxListening ?? 4;
    if (this.#detectors.size < most) return true;
    // The client idle longest (its idle timer set earliest) gives up its detector.
    const [idle] = this.#idle.keys();
    if (idle === undefined || idle === clientId) return false;
    void this.forget(idle);
    return true;
  }

  /** Clients with a detector running (each is a worker). */
  get detectors(): number {
    return this.#detectors.size;
  }

  /** The client is gone: its detector stops. */
  async forget(clientId: string): Promise<void> {
    clearTimeout(this.#idle.get(clientId));
    this.#idle.delete(clientId);
    const detector = this.#detectors.get(clientId);
    this.#detectors.delete(clientId);
    await detector?.dispose();
  }

  async dispose(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([...this.#work]);
    await Promise.all([...this.#detectors.keys()].map((id) => this.forget(id)));
  }

  #detectorOf(clientId: string): SpeechDetector {
    let detector = this.#detectors.get(clientId);
    if (!detector) {
      detector = this.#options.detector();
      this.#detectors.set(clientId, detector);
    }
    return detector;
  }
}

interface Owner {
  signal: AbortSignal;
  track(work: Promise<void>): void;
  /** The utterance is over: its detector may idle. */
  finished(): void;
}

/** One utterance, from its first frame to its transcript's prompt. */
class HeardUtterance implements UtteranceListener {
  readonly #source: UtteranceSource;
  readonly #detector: SpeechDetector;
  readonly #options: VoiceListeningOptions;
  readonly #owner: Owner;
  /** The detector's generation for this utterance's audio: other events are not its own. */
  readonly #generation: number;
  readonly #unsubscribe: (() => void)[] = [];
  /** Speech segments found, in order. */
  readonly #speech: Int16Array[] = [];
  #state: 'listening' | 'closing' | 'done' = 'listening';
  /** The client dropped it (hands-free off, Talk cancelled): nothing more is said or sent. */
  #dropped = false;

  constructor(
    source: UtteranceSource,
    detector: SpeechDetector,
    options: VoiceListeningOptions,
    owner: Owner,
  ) {
    this.#source = source;
    this.#detector = detector;
    this.#options = options;
    this.#owner = owner;
    this.#generation = detector.reset();
    this.#unsubscribe.push(
      detector.onSpeechStart((generation) => {
        if (generation !== this.#generation) return;
        if (this.#state === 'listening' && options.isPlaying(source.clientId)) {
          this.#tell('heardSpeech');
        }
      }),
      detector.onSpeechEnd((pcm, generation) => {
        // A previous utterance's end, found late, is that utterance's.
        if (generation !== this.#generation) return;
        this.#speech.push(pcm);
        // The person paused long enough: Hearth ends the utterance itself.
        if (this.#state === 'listening') this.#close('ended');
      }),
    );
  }

  hear(pcm: Int16Array): void {
    if (this.#state !== 'listening') return;
    this.#detector.setStrict(this.#options.isPlaying(this.#source.clientId));
    this.#detector.feed(pcm);
  }

  end(why: 'ended' | 'cut'): void {
    if (this.#state !== 'listening') return;
    this.#close(why);
  }

  drop(): void {
    const listening = this.#state === 'listening';
    this.#dropped = true;
    this.#finish();
    // Once closed, the detector may already be hearing the client's next utterance.
    if (listening) this.#detector.reset();
  }

  #close(why: 'ended' | 'cut'): void {
    this.#state = 'closing';
    this.#tell('transcribing');
    this.#owner.track(this.#transcribe(why));
  }

  async #transcribe(why: 'ended' | 'cut'): Promise<void> {
    const { clients, recognizer, logger, speakAnswer } = this.#options;
    const { clientId, utterance } = this.#source;
    try {
      if (this.#speech.length === 0) {
        // Speech may still be open in the detector: a pause closes it. Fed
        // before the first await, so in this utterance's generation: the next
        // utterance cannot have reset the detector yet.
        const silence = this.#options.closingSilenceMs ?? 900;
        this.#detector.feed(new Int16Array((silence * 16_000) / 1000));
        await this.#detector.settled();
      }
      if (this.#dropped) return logger.info('speech_dropped', { clientId, utterance });
      const speech = joined(this.#speech);
      this.#finish();
      if (speech.length === 0) return this.#tell('idle', NOTHING_HEARD);
      const started = performance.now();
      // A drop does not abort the recognizer: that would kill a kept
      // pocketsphinx and cost the next utterance its model load; the words
      // are thrown away instead.
      const text = (await recognizer.transcribe(speech, this.#owner.signal)).trim();
      if (this.#dropped) return logger.info('speech_dropped', { clientId, utterance });
      logger.info('speech_transcribed', {
        clientId,
        utterance,
        speechMs: Math.round(audioDurationMs(speech.length)),
        transcribeMs: Math.round(performance.now() - started),
        words: text === '' ? 0 : text.split(/\s+/).length,
      });
      if (text === '') return this.#tell('idle', NOTHING_HEARD);
      const sent = await clients.prompt(clientId, text);
      if ('refused' in sent) return this.#tell('idle', sent.refused);
      const seconds = this.#options.maxUtteranceMs / 1000;
      this.#tell(
        'idle',
        why === 'cut' ? `Only your first ${seconds} seconds were heard.` : undefined,
      );
      speakAnswer(clientId, sent.conversationId, sent.answerId);
    } catch (error) {
      if (this.#owner.signal.aborted || this.#dropped) return;
      logger.error('speech_recognition_failed', { clientId, utterance, error: String(error) });
      this.#tell('idle', 'Hearth could not make out the words: try again, or type.');
    } finally {
      this.#finish();
    }
  }

  #finish(): void {
    if (this.#state === 'done') return;
    this.#state = 'done';
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#owner.finished();
  }

  #tell(state: VoiceState, note?: string): void {
    const { clientId, utterance } = this.#source;
    this.#options.clients.deliver(clientId, {
      type: 'voice',
      utterance,
      state,
      ...(note === undefined ? {} : { note }),
    });
  }
}

function joined(parts: Int16Array[]): Int16Array {
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** An utterance Hearth will not hear: the client is told why once it ends. */
function refusing(
  source: UtteranceSource,
  clients: VoiceClientsPort,
  note: string,
): UtteranceListener {
  const tell = (): void =>
    clients.deliver(source.clientId, {
      type: 'voice',
      utterance: source.utterance,
      state: 'idle',
      note,
    });
  return { hear: () => {}, end: tell, drop: () => {} };
}
