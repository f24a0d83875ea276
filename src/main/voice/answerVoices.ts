// Which answer is being spoken to which client. A client hears one answer at a
// time: a new one, Stop speaking and barge-in each cut the one before. The
// answer's text comes from the events every client hears (its tokens, then its
// final message); speech goes only to the client that asked for it. It also
// keeps, per client, until when its speaker is playing Hearth's voice, so the
// listening side can hold its own voice apart from the person's.
import type { HearthEvent } from '../../shared/api';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import type { AnswerTextPort, VoiceClientsPort } from '../contracts/voice';
import { AnswerSpeech, type SentenceSplitter, type SentenceVoice } from './answerSpeech';

export interface AnswerVoicesOptions {
  clients: Pick<VoiceClientsPort, 'speak'>;
  answers: AnswerTextPort;
  /** The voice answers are spoken with, or why there is none (asked at each answer). */
  voice(): SentenceVoice | { missing: string };
  splitter(): SentenceSplitter;
  logger: Logger;
  now?: () => number;
}

const FINAL = new Set(['complete', 'stopped', 'interrupted', 'error']);

interface Speaking {
  speech: AnswerSpeech;
  conversationId: string;
  /** Characters of the answer's text handed to the speech so far. */
  heard: number;
}

export class AnswerVoices {
  readonly #options: AnswerVoicesOptions;
  readonly #byClient = new Map<string, Speaking>();
  /** When each client's speaker will have played what it was sent. */
  readonly #playingUntil = new Map<string, number>();
  readonly #unsubscribe: () => void;
  readonly #now: () => number;

  constructor(options: AnswerVoicesOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = options.answers.subscribe((event) => this.#onEvent(event));
  }

  /** Speaks the answer to the client as it is written, cutting what it was hearing. */
  speak(clientId: string, conversationId: string, answerId: string): void {
    const speaking = this.#start(clientId, conversationId, answerId, this.#options.voice());
    const now = this.#options.answers.current(conversationId, answerId);
    if (now) this.#catchUp(speaking, now.text, now.done);
  }

  /**
   * Speaks a fixed text to the client as if it were an answer with this id
   * (Settings > Voice's Test), cutting what it was hearing.
   */
  speakText(clientId: string, answerId: string, text: string, voice: SentenceVoice): void {
    const speaking = this.#start(clientId, '', answerId, voice);
    this.#catchUp(speaking, text, true);
  }

  #start(
    clientId: string,
    conversationId: string,
    answerId: string,
    voice: SentenceVoice | { missing: string },
  ): Speaking {
    if ('missing' in voice)
      throw new ApiFailure('bad_request', `Hearth cannot speak: ${voice.missing}`);
    this.#cut(clientId);
    const speech = new AnswerSpeech({
      answerId,
      voice,
      splitter: this.#options.splitter(),
      send: (bytes) => this.#options.clients.speak(clientId, bytes),
      logger: this.#options.logger,
      onAudio: (ms) => {
        const from = Math.max(this.#now(), this.#playingUntil.get(clientId) ?? 0);
        this.#playingUntil.set(clientId, from + ms);
      },
    });
    const speaking: Speaking = { speech, conversationId, heard: 0 };
    this.#byClient.set(clientId, speaking);
    void speech.done.finally(() => {
      if (this.#byClient.get(clientId) === speaking) this.#byClient.delete(clientId);
    });
    return speaking;
  }

  /** Stops the answer's speech to the client, if that is what it is hearing. */
  stop(clientId: string, answerId: string): void {
    if (this.#byClient.get(clientId)?.speech.answerId === answerId) this.#cut(clientId);
  }

  /** Whether the client's speaker may be playing Hearth's voice now (or within `marginMs`). */
  isPlaying(clientId: string, marginMs = 0): boolean {
    if (this.#byClient.has(clientId)) return true;
    return (this.#playingUntil.get(clientId) ?? 0) + marginMs > this.#now();
  }

  /** The client is gone: nothing more for it. */
  forget(clientId: string): void {
    this.#cut(clientId);
    this.#playingUntil.delete(clientId);
  }

  dispose(): void {
    this.#unsubscribe();
    for (const clientId of [...this.#byClient.keys()]) this.#cut(clientId);
  }

  #cut(clientId: string): void {
    const speaking = this.#byClient.get(clientId);
    if (!speaking) return;
    this.#byClient.delete(clientId);
    speaking.speech.stop();
    // The client cuts its own playback too: what it was sent is not played.
    this.#playingUntil.set(clientId, this.#now());
  }

  #onEvent(event: HearthEvent): void {
    if (event.type !== 'tokens' && event.type !== 'message') return;
    for (const speaking of this.#byClient.values()) {
      if (event.type === 'tokens' && event.messageId === speaking.speech.answerId) {
        speaking.heard += event.text.length;
        speaking.speech.push(event.text);
      } else if (event.type === 'message' && event.message.id === speaking.speech.answerId) {
        this.#catchUp(speaking, event.message.text, FINAL.has(event.message.status));
      }
    }
  }

  /** Hands over the part of the text not yet heard; ends the speech once the answer is done. */
  #catchUp(speaking: Speaking, text: string, done: boolean): void {
    if (text.length > speaking.heard) {
      speaking.speech.push(text.slice(speaking.heard));
      speaking.heard = text.length;
    }
    if (done) speaking.speech.finish();
  }
}
