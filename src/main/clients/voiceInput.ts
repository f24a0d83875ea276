// What one client's microphone is sending, below whichever link carries it: at
// most one utterance at a time, opened by a start frame, added to by the frames
// after it, and streamed to the SpeechPort's listener as it comes. It ends when
// its end frame comes or when it reaches the longest an utterance may be (then
// as 'cut', and the rest of it is dropped quietly up to its end frame). An
// utterance its link did not finish is dropped, never transcribed half.
import type { AudioFrame } from '../../shared/audio';
import type { Logger } from '../base/log';
import type { SpeechPort, UtteranceEnd, UtteranceListener } from '../contracts/speech';
import { Utterance } from './utterance';

/**
 * What became of one audio frame: taken (with a note for the client when it
 * made the utterance reach its length limit), or refused, saying why.
 */
export type AudioOutcome = { ok: true; cut?: string } | { ok: false; reason: string };

export interface VoiceInputOptions {
  /** The client's session id. */
  clientId: string;
  /** Whose utterance it is, as the SpeechPort hears it (dispatch.ts clientKey). */
  clientKey: string;
  maxUtteranceMs: number;
  speech: SpeechPort;
  logger: Logger;
}

interface OpenUtterance {
  limit: Utterance;
  listener: UtteranceListener;
}

export class VoiceInput {
  readonly #options: VoiceInputOptions;
  /** The utterance the client is speaking, at most one. */
  #open: OpenUtterance | undefined;
  /** The id of an utterance cut at its limit whose further frames are dropped until its end. */
  #cutUtterance: number | undefined;
  /** The last utterance ended, whose transcription a drop may still stop. */
  #ended: { id: number; listener: UtteranceListener } | undefined;

  constructor(options: VoiceInputOptions) {
    this.#options = options;
  }

  hear(frame: AudioFrame): AudioOutcome {
    if (frame.drop === true) return this.#dropByClient(frame.utterance);
    if (frame.start) {
      if (this.#open) {
        return {
          ok: false,
          reason: `utterance ${this.#open.limit.id} is still open: end it before starting another`,
        };
      }
      this.#open = this.#listen(frame.utterance);
      this.#cutUtterance = undefined;
    }
    const open = this.#open;
    if (open?.limit.id !== frame.utterance) {
      if (this.#cutUtterance === frame.utterance) {
        if (frame.end) this.#cutUtterance = undefined;
        return { ok: true };
      }
      return {
        ok: false,
        reason: `audio for utterance ${frame.utterance}, which is not open: an utterance starts with a start frame`,
      };
    }
    const kept = open.limit.append(frame.pcm);
    if (kept.length > 0) this.#safely(() => open.listener.hear(kept));
    const overflowed = kept.length < frame.pcm.length;
    if (frame.end && !overflowed) {
      this.#end('ended');
      return { ok: true };
    }
    if (!overflowed && !open.limit.full) return { ok: true };
    this.#end('cut');
    if (!frame.end) this.#cutUtterance = open.limit.id;
    const seconds = this.#options.maxUtteranceMs / 1000;
    return {
      ok: true,
      cut: `utterance ${open.limit.id} was cut at ${seconds} s, the longest one may be; start a new one to go on`,
    };
  }

  /** The link that was sending it is gone (or replaced, or the session ended). */
  drop(reason: string): void {
    const open = this.#open;
    this.#open = undefined;
    this.#cutUtterance = undefined;
    if (!open) return;
    this.#options.logger.info('utterance_dropped', {
      clientId: this.#options.clientId,
      reason,
      durationMs: open.limit.durationMs,
    });
    this.#safely(() => open.listener.drop(reason));
  }

  /**
   * The client drops an utterance (hands-free off, Talk cancelled): the open
   * one, or the last one ended, which may still be being transcribed. Its
   * words never become a message.
   */
  #dropByClient(utterance: number): AudioOutcome {
    if (this.#open?.limit.id === utterance) {
      this.drop('client_dropped');
      return { ok: true };
    }
    const ended = this.#ended;
    if (ended?.id === utterance || this.#cutUtterance === utterance) {
      if (this.#cutUtterance === utterance) this.#cutUtterance = undefined;
      this.#ended = undefined;
      if (ended) this.#safely(() => ended.listener.drop('client_dropped'));
      return { ok: true };
    }
    return {
      ok: false,
      reason: `a drop for utterance ${utterance}, which is neither open nor the last one`,
    };
  }

  #listen(utterance: number): OpenUtterance {
    const { speech, clientId, clientKey, maxUtteranceMs } = this.#options;
    return {
      limit: new Utterance(utterance, maxUtteranceMs),
      listener: speech.listen({ clientId, clientKey, utterance }),
    };
  }

  #end(why: UtteranceEnd): void {
    const open = this.#open;
    this.#open = undefined;
    if (!open) return;
    this.#ended = { id: open.limit.id, listener: open.listener };
    const { logger, clientId, clientKey } = this.#options;
    const durationMs = Math.round(open.limit.durationMs);
    if (why === 'cut') logger.info('utterance_cut', { clientId, durationMs });
    logger.info('utterance_received', { clientKey, why, durationMs });
    this.#safely(() => open.listener.end(why));
  }

  /** A listener that throws must not take the client's link down with it. */
  #safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#options.logger.error('speech_failed', {
        clientId: this.#options.clientId,
        error: String(error),
      });
    }
  }
}
