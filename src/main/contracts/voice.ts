// What the voice pipeline (src/main/voice) needs from the rest of Hearth, and
// what the commands need from it. The composition root fills both sides: the
// pipeline reaches a client only through these ports, and the API service
// reaches the pipeline only through VoicePort.
import type { HearthEvent, VoiceAvailability } from '../../shared/api';
import type {
  RecognizerTest,
  VoiceModelDownload,
  VoiceModelList,
} from '../../shared/voiceModelsSchema';
import { ApiFailure } from './failure';

/** The clients, as the voice pipeline sees them, by session id. */
export interface VoiceClientsPort {
  /** An event for this client only (how its utterance fares). */
  deliver(clientId: string, event: HearthEvent): void;
  /** A speech frame (shared/audio.ts) for this client, live only. */
  speak(clientId: string, bytes: Uint8Array): void;
  /**
   * Sends the transcript as the client's prompt in the conversation it has
   * open, under its limits, as if it had typed it: the answer's id, or why not.
   */
  prompt(
    clientId: string,
    text: string,
  ): Promise<{ conversationId: string; answerId: string } | { refused: string }>;
}

/** An answer's text as it is written, for speaking it. */
export interface AnswerTextPort {
  /** Listens to the events every client hears (tokens, message); returns an unsubscribe. */
  subscribe(listener: (event: HearthEvent) => void): () => void;
  /** The answer's text and whether it is finished, as the store has it now. */
  current(conversationId: string, messageId: string): { text: string; done: boolean } | undefined;
}

/** The voice pipeline, as the API service sees it. */
export interface VoicePort {
  availability(): VoiceAvailability;
  /** Speaks the answer to the client as it is written; throws ApiFailure when it cannot. */
  speakAnswer(clientId: string, conversationId: string, messageId: string): void;
  /** Makes no more speech of the answer for the client. */
  stopSpeech(clientId: string, messageId: string): void;
  /**
   * Speaks a short sample sentence to the client at this rate (default: the
   * saved one); throws ApiFailure when Hearth cannot speak.
   */
  testVoice(clientId: string, rate?: number): void;
  /**
   * Speaks the test sentence with the voice in use and transcribes it with the
   * recognizer in use; throws ApiFailure when Hearth cannot hear or speak.
   */
  testRecognizer(): Promise<RecognizerTest>;
}

/** Settings > Voice's downloads (src/main/voice/models), as the API service sees them. */
export interface VoiceModelsPort {
  list(): Promise<VoiceModelList>;
  /** Starts one job fetching these catalog ids in order; throws ApiFailure when refused. */
  download(ids: string[]): VoiceModelDownload;
  cancel(): boolean;
  /** Deletes an installed model; throws ApiFailure for an unknown id or one being downloaded. */
  remove(id: string): Promise<void>;
}

/** What Settings > Voice changes live. */
export interface VoiceSettingsPort {
  /** The speaking rate of every answer spoken from now on. */
  setRate(rate: number): void;
  /** How long hands-free waits in silence; clients hear it through the availability. */
  setHandsFreeQuietMs(ms: number): void;
  /** The speech recognizer chosen ('auto', a catalog id, 'pocketsphinx'); resolves once in use. */
  setRecognizer(choice: string): Promise<void>;
  /** The voice chosen ('auto', a catalog id, 'flite'); resolves once in use. */
  setVoice(choice: string): Promise<void>;
}

/** A Hearth that can neither hear nor speak. */
export function mutedVoice(note = 'Voice is not set up on this Hearth.'): VoicePort {
  return {
    availability: () => ({ canHear: false, canSpeak: false, note }),
    speakAnswer: () => {
      throw new ApiFailure('bad_request', `Hearth cannot speak: ${note}`);
    },
    stopSpeech: () => {},
    testVoice: () => {
      throw new ApiFailure('bad_request', `Hearth cannot speak: ${note}`);
    },
    testRecognizer: () =>
      Promise.reject(new ApiFailure('bad_request', `Hearth cannot hear: ${note}`)),
  };
}

/** A Hearth whose voice models cannot be managed (tests of other things). */
export function noVoiceModels(
  note = 'Voice models are not managed on this Hearth.',
): VoiceModelsPort {
  const refuse = () => {
    throw new ApiFailure('bad_request', note);
  };
  return {
    list: () => Promise.reject(new ApiFailure('bad_request', note)),
    download: refuse,
    cancel: () => false,
    remove: () => Promise.reject(new ApiFailure('bad_request', note)),
  };
}
