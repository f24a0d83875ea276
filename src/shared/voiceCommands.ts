// The voice commands of the API (api.ts spreads them into its table): spoken
// answers, Settings > Voice's tests and its model downloads.
import { z } from 'zod/mini';
import { empty, ok, uuid as id } from './commandParts';
import { VOICE_RATE_RANGE } from './settingsSchema';
import {
  recognizerTest,
  voiceChoice,
  voiceModelDownload,
  voiceModelList,
} from './voiceModelsSchema';

export const voiceCommands = {
  /**
   * Speaks an answer to this client as it is written (its "Speak answers"
   * switch, for a typed prompt); a spoken prompt's answer is spoken anyway. Any
   * earlier answer being spoken to this client stops.
   */
  speakAnswer: {
    args: z.strictObject({ conversationId: id, messageId: id }),
    result: ok,
  },
  /** Stops the speech of an answer to this client (Stop speaking, barge-in). */
  stopSpeech: { args: z.strictObject({ messageId: id }), result: ok },
  /**
   * Settings > Voice's Test: speaks a short sample sentence to this screen at
   * this rate (default: the saved one), as speech frames of a new answer id.
   */
  testVoice: {
    args: z.strictObject({
      rate: z.optional(z.number().check(z.gte(VOICE_RATE_RANGE.min), z.lte(VOICE_RATE_RANGE.max))),
    }),
    result: ok,
    owner: true,
  },
  /** Settings > Voice: the recognizers and voices to download, what is chosen and in use. */
  listVoiceModels: { args: empty, result: voiceModelList, owner: true },
  /**
   * Downloads voice models from the catalog, in order, as one job (the setup
   * screen's voice step asks for a recognizer and a voice at once); each is
   * checked against its pinned sha256 and unpacked before it counts as installed.
   */
  downloadVoiceModels: {
    args: z.strictObject({ ids: z.array(voiceChoice).check(z.minLength(1), z.maxLength(4)) }),
    result: voiceModelDownload,
    owner: true,
  },
  cancelVoiceModelDownload: {
    args: empty,
    result: z.object({ cancelled: z.boolean() }),
    owner: true,
  },
  /** Deletes an installed voice model; voice falls back to the next choice if it was in use. */
  removeVoiceModel: { args: z.strictObject({ id: voiceChoice }), result: ok, owner: true },
  /**
   * Settings > Voice's recognizer Test: Hearth speaks a sample sentence with its
   * voice and the recognizer in use transcribes it; no microphone needed.
   */
  testRecognizer: { args: empty, result: recognizerTest, owner: true },
} as const;
