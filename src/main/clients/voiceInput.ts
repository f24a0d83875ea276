// What one client's microphone is sending, below whichever link carries it: at
// most one utterance at a time, opened by a start frame, added to by the frames
// after it, and handed to the SpeechPort once, when its end frame comes or when
// it reaches the longest an utterance may be (then as 'cut', and the rest of it
// is dropped quietly up to its end frame). An utterance its link did not finish
// is dropped, never handed over half. Audio is never kept after that.
import type { AudioFrame } from '../../shared/audio';
import type { Logger } from '../base/log';
import type { SpeechPort, UtteranceEnd } from '../contracts/speech';
import { Utterance } from './utterance';

/**
 * What became of one audio frame: taken (with a note for the client when it
 * made the utterance reach its length limit), or refused, saying why.
 */
export type AudioOutcome = { ok: true; cut?: string } | { ok: false; reason: string };

export interface VoiceInputOptions {
  /** The client's session id, for log lines. */
  clientId: string;
  /** Whose utterance it is, as the SpeechPort hears it (dispatch.ts clientKey). */
  clientKey: string;
  maxUtteranceMs: number;
  speech: SpeechPort;
  logger: Logger;
}

export class VoiceInput {
  readonly #options: VoiceInputOptions;
  /** The utterance the client is speaking, at most one. */
  #utterance: Utterance | undefined;
  /** The id of an utterance cut at its limit whose further frames are dropped until its end. */
  #cutUtterance: number | undefined;

  constructor(options: VoiceInputOptions) {
    this.#options = options;
  }

  hear(frame: AudioFrame): AudioOutcome {
    if (frame.start) {
      if (this.#utterance) {
        return {
          ok: false,
          reason: `utterance ${this.#utterance.id} is still open: end it before starting another`,
        };
      }
      this.#utterance = new Utterance(frame.utterance, this.#options.maxUtteranceMs);
      this.#cutUtterance = undefined;
    }
    const utterance = this.#utterance;
    if (utterance?.id !== frame.utterance) {
      if (this.#cutUtterance === frame.utterance) {
        if (frame.end) this.#cutUtterance = undefined;
        return { ok: true };
      }
      return {
        ok: false,
        reason: `audio for utterance ${frame.utterance}, which is not open: an utterance starts with a start frame`,
      };
    }
    const before = utterance.samples;
    utterance.append(frame.pcm);
    const overflowed = utterance.samples - before < frame.pcm.length;
    if (frame.end && !overflowed) {
      this.#handOver(utterance, 'ended');
      return { ok: true };
    }
    if (!overflowed && !utterance.full) return { ok: true };
    this.#handOver(utterance, 'cut');
    if (!frame.end) this.#cutUtterance = utterance.id;
    const seconds = this.#options.maxUtteranceMs / 1000;
    return {
      ok: true,
      cut: `utterance ${utterance.id} was cut at ${seconds} s, the longest one may be; start a new one to go on`,
    };
  }

  /** The link that was sending it is gone (or replaced, or the session ended). */
  drop(reason: string): void {
    const utterance = this.#utterance;
    this.#utterance = undefined;
    this.#cutUtterance = undefined;
    if (!utterance) return;
    this.#options.logger.info('utterance_dropped', {
      clientId: this.#options.clientId,
      reason,
      durationMs: utterance.durationMs,
    });
    utterance.take();
  }

  #handOver(utterance: Utterance, why: UtteranceEnd): void {
    this.#utterance = undefined;
    const { logger, speech, clientId, clientKey } = this.#options;
    if (why === 'cut') logger.info('utterance_cut', { clientId, durationMs: utterance.durationMs });
    try {
      speech.heard(clientKey, utterance.take(), why);
    } catch (error) {
      logger.error('speech_failed', { clientId, error: String(error) });
    }
  }
}
