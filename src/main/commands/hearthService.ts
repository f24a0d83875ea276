// The API service: a handler for every command of src/shared/api.ts, over the
// engine, the conversation store and the thermal ports it is given. Transports
// call `handlers`; what happens afterwards (streamed text, status changes, queue
// notices) reaches every client as events. It builds none of its services: the
// composition root (runtime/compose.ts) hands them in.
import type { HearthEvent, PairedDevice } from '../../shared/api';
import { OWNER_STARTER, starterKey } from '../../shared/conversationStarter';
import type { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import {
  mutedVoice,
  noVoiceModels,
  type VoiceModelsPort,
  type VoicePort,
} from '../contracts/voice';
import type { KioskExitPort } from '../kioskExit/kioskExitPort';
import type { OwnerAccessPort } from '../contracts/ownerAccess';
import type { DevicePresencePort, PairingPort } from '../contracts/pairing';
import type { CoolingCheckPort, ThermalPort } from '../contracts/thermal';
import type { ConversationStore } from '../conversations/store';
import type { InferenceEngine } from '../inference/engine';
import { clientKey, type HearthHandlers } from '../rpc/dispatch';
import { AnswerBook, type AnswerLimits } from '../chat/answerBook';
import {
  deleteConversation,
  undoDelete,
  type ConversationDeleteDeps,
} from '../chat/conversationDeletes';
import type { ModelSetup } from '../modelSetup/modelSetup';
import { sendPrompt, type PromptFlowDeps } from '../chat/promptFlow';
import { turnsBefore } from '../chat/chatTurns';
import type { SettingsService } from '../settings/settings';

export interface HearthServiceDeps {
  logger: Logger;
  events: Emitter<HearthEvent>;
  engine: InferenceEngine;
  store: ConversationStore;
  thermal: ThermalPort;
  coolingCheck: CoolingCheckPort;
  pairing: PairingPort;
  /** Which paired phones are connected now (the clients know). */
  presence: DevicePresencePort;
  /** Model download, "use a file" and the model list (owned by the composition root). */
  modelSetup: ModelSetup;
  settings: SettingsService;
  /** The way out of kiosk mode; only the Electron kiosk has one. */
  kioskExit?: KioskExitPort;
  /** The owner secret owner-page browsers proved; without it rotateOwnerSecret is refused. */
  ownerAccess?: OwnerAccessPort;
  /** How long streamed text is gathered into one 'tokens' event (default 30 ms). */
  tokenBatchMs?: number;
  /** How many answers one client, and everyone together, may have waiting. */
  answerLimits?: Partial<AnswerLimits>;
  /** Hearing and speaking; without it Hearth is typed to only. */
  voice?: VoicePort;
  /** Settings > Voice's downloads; default: none managed. */
  voiceModels?: VoiceModelsPort;
}

export class HearthService implements AsyncDisposable {
  readonly handlers: HearthHandlers;
  readonly #deps: HearthServiceDeps;
  readonly #answers: AnswerBook;
  #disposing: Promise<void> | undefined;

  constructor(deps: HearthServiceDeps) {
    this.#deps = deps;
    this.#answers = new AnswerBook(deps.answerLimits);
    this.handlers = this.#createHandlers();
  }

  /** The paired phones, each with whether it is connected now. */
  devices(): PairedDevice[] {
    const { pairing, presence } = this.#deps;
    return pairing
      .devices()
      .map((device) => ({ ...device, connected: presence.isDeviceConnected(device.id) }));
  }

  /** Answers queued or streaming, in all. */
  get answersWaiting(): number {
    return this.#answers.count;
  }

  /**
   * A client is gone for good (its phone was forgotten, its last session
   * expired): its queued and running answers stop, keeping what was written.
   */
  cancelAnswersOf(client: string): number {
    const ids = this.#answers.of(client);
    for (const messageId of ids) this.#deps.engine.stop(messageId);
    if (ids.length > 0) this.#deps.logger.info('answers_cancelled', { client, count: ids.length });
    return ids.length;
  }

  /**
   * Loads conversations, then loads the model in the background, and with it the
   * saved state of the most recent conversation, so that the first question after
   * a boot does not wait for its history to be evaluated.
   */
  async start(): Promise<void> {
    const { store, engine } = this.#deps;
    await store.load();
    void engine.start();
    const recent = store.list()[0];
    if (recent) {
      void engine.preload(recent.id, () => turnsBefore(store.get(recent.id)?.messages ?? [], ''));
    }
  }

  /**
   * Refuses new work, interrupts answers (they end 'interrupted', their text kept)
   * and waits until each is saved. The store and engine belong to the composition
   * root, which disposes them afterwards.
   */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      // The engine belongs to the composition root: it is interrupted here, not disposed.
      await this.#deps.engine.interruptAll();
      await this.#answers.settled();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #assertOpen(): void {
    if (this.#disposing) throw new ApiFailure('model_unavailable', 'Hearth is shutting down');
  }

  #createHandlers(): HearthHandlers {
    const { store, engine, events, thermal, coolingCheck, pairing, modelSetup, settings } =
      this.#deps;
    const promptDeps: PromptFlowDeps = {
      ...this.#deps,
      answers: this.#answers,
      tokenBatchMs: this.#deps.tokenBatchMs ?? 30,
    };
    const deletes: ConversationDeleteDeps = { store, engine, events, answers: this.#answers };
    const announceList = (): void => {
      events.fire({ type: 'conversations', conversations: store.list() });
    };
    const existing = (id: string) => {
      const found = store.get(id);
      if (!found) throw new ApiFailure('not_found', `No conversation ${id}`);
      return found;
    };
    const voice = this.#deps.voice ?? mutedVoice();
    const voiceModels = this.#deps.voiceModels ?? noVoiceModels();
    return {
      getSnapshot: async (_args, ctx) => ({
        model: engine.status(),
        thermal: thermal.status(),
        conversations: store.list(),
        coolingCheck: coolingCheck.report(),
        theme: settings.theme(),
        viewer: starterKey(ctx),
        voice: voice.availability(),
      }),
      listConversations: async () => store.list(),
      openConversation: async ({ id }) => existing(id),
      newConversation: async (_args, ctx) => {
        this.#assertOpen();
        const created = await store.create(starterKey(ctx) ?? OWNER_STARTER);
        announceList();
        return created;
      },
      deleteConversation: async ({ id }, ctx) => {
        await deleteConversation(deletes, id, ctx);
        return { ok: true as const };
      },
      undoDelete: async ({ id }, ctx) => {
        this.#assertOpen();
        return undoDelete(deletes, id, ctx);
      },
      sendPrompt: async ({ conversationId, text }, ctx) => {
        this.#assertOpen();
        return sendPrompt(promptDeps, conversationId, text, clientKey(ctx));
      },
      stop: async ({ conversationId }) => {
        const messageId = this.#answers.inConversation(conversationId);
        return { stopped: messageId ? engine.stop(messageId) : false };
      },
      speakAnswer: async ({ conversationId, messageId }, ctx) => {
        const message = store.message(conversationId, messageId);
        if (message?.role !== 'assistant') {
          throw new ApiFailure(
            'not_found',
            `No answer ${messageId} in conversation ${conversationId}`,
          );
        }
        voice.speakAnswer(ctx.clientId, conversationId, messageId);
        return { ok: true as const };
      },
      stopSpeech: async ({ messageId }, ctx) => {
        voice.stopSpeech(ctx.clientId, messageId);
        return { ok: true as const };
      },
      testVoice: async ({ rate }, ctx) => {
        voice.testVoice(ctx.clientId, rate);
        return { ok: true as const };
      },
      testRecognizer: () => voice.testRecognizer(),
      listVoiceModels: () => voiceModels.list(),
      downloadVoiceModels: async ({ ids }) => voiceModels.download(ids),
      cancelVoiceModelDownload: async () => ({ cancelled: voiceModels.cancel() }),
      removeVoiceModel: async ({ id }) => {
        await voiceModels.remove(id);
        return { ok: true as const };
      },
      startCoolingCheck: async ({ durationSec }) => coolingCheck.start(durationSec),
      stopCoolingCheck: async () => coolingCheck.stop(),
      getPairing: async () => pairing.info(),
      listDevices: async () => this.devices(),
      forgetDevice: async ({ deviceId }) => {
        if (!(await pairing.forget(deviceId))) {
          throw new ApiFailure('not_found', 'No such paired device');
        }
        return { ok: true as const };
      },
      listModels: () => modelSetup.list(),
      downloadModel: async (choice) => {
        this.#assertOpen();
        return modelSetup.download(choice);
      },
      cancelDownload: async () => modelSetup.cancel(),
      listModelFiles: () => modelSetup.files(),
      useModelFile: async ({ path }) => {
        this.#assertOpen();
        return modelSetup.useFile(path);
      },
      removeModel: async ({ fileName }) => {
        await modelSetup.removeModel(fileName);
        return { ok: true as const };
      },
      getSettings: async () => settings.get(),
      updateSettings: (change) => settings.update(change),
      getAppearance: async () => ({ theme: settings.theme() }),
      exitKiosk: async ({ pin }) => {
        const { kioskExit, logger } = this.#deps;
        if (!kioskExit) return { result: 'unavailable' as const };
        const outcome = await kioskExit.tryExit(pin);
        // The outcome only, never the PIN: a run of wrong ones is worth seeing in the log.
        logger.info('kiosk_exit_attempt', { result: outcome.result });
        return outcome;
      },
      rotateOwnerSecret: async () => {
        const { ownerAccess } = this.#deps;
        if (!ownerAccess) throw new ApiFailure('not_found', 'This Hearth has no owner page');
        await ownerAccess.rotate();
        return { ok: true as const };
      },
    };
  }
}
