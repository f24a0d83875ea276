// The API service: every command of src/shared/api.ts, over the engine, the
// conversation store and the thermal ports. Transports call `handlers`; what
// happens afterwards (streamed text, status changes, queue notices) reaches
// every client as events through the EventHub.
import { randomUUID } from 'node:crypto';
import type { Message, ModelStatus } from '../../shared/api';
import type { HearthHandlers } from '../rpc/dispatch';
import { ApiFailure } from '../contracts/failure';
import type { EventHub } from '../rpc/eventHub';
import type { HearthConfig } from '../config/config';
import { conversationsDirectory, ConversationStore } from '../conversations/store';
import { InferenceEngine, type ChatTurn, type GenerationResult } from '../inference/engine';
import type { InferenceLoad, InferenceThrottle } from '../contracts/throttle';
import type { Logger } from '../base/log';
import type { CoolingCheckPort, ThermalPort } from '../contracts/thermal';
import { TokenBatcher } from './tokenBatcher';

export interface HearthServiceDeps {
  config: HearthConfig;
  logger: Logger;
  events: EventHub;
  thermal: ThermalPort;
  coolingCheck: CoolingCheckPort;
  throttle: InferenceThrottle;
}

export interface HearthServiceOptions {
  /** How often a streaming answer's partial text is saved (default 500 ms). */
  saveIntervalMs?: number;
  /** How long streamed text is gathered into one 'tokens' event (default 30 ms). */
  tokenBatchMs?: number;
  /** Physical core count, detected when omitted. */
  physicalCores?: number;
}

export interface AppHealth {
  model: ModelStatus;
  conversations: number;
  activeGenerations: number;
  queuedPrompts: number;
}

interface ActiveAnswer {
  messageId: string;
  finished: Promise<void>;
}

export class HearthService {
  readonly handlers: HearthHandlers;
  readonly #deps: HearthServiceDeps;
  readonly #engine: InferenceEngine;
  readonly #store: ConversationStore;
  readonly #tokenBatchMs: number;
  /** Answers queued or streaming, by conversation (one at a time in each). */
  readonly #active = new Map<string, ActiveAnswer>();
  readonly #unsubscribe: (() => void)[] = [];
  #closing: Promise<void> | undefined;

  constructor(deps: HearthServiceDeps, options: HearthServiceOptions = {}) {
    this.#deps = deps;
    this.#tokenBatchMs = options.tokenBatchMs ?? 30;
    this.#engine = new InferenceEngine({
      config: deps.config,
      logger: deps.logger,
      throttle: deps.throttle,
      physicalCores: options.physicalCores,
    });
    this.#store = new ConversationStore({
      dir: conversationsDirectory(deps.config.dataDir),
      logger: deps.logger,
      saveIntervalMs: options.saveIntervalMs,
    });
    this.handlers = this.#createHandlers();
  }

  /** Loads conversations, then loads the model in the background. */
  async start(): Promise<void> {
    await this.#store.load();
    this.#unsubscribe.push(
      this.#engine.onStatus((model) => this.#deps.events.emit({ type: 'model', model })),
    );
    void this.#engine.start();
  }

  whenModelSettled(): Promise<ModelStatus> {
    return this.#engine.whenSettled();
  }

  engineLoad(): InferenceLoad {
    return this.#engine.load();
  }

  health(): AppHealth {
    return {
      model: this.#engine.status(),
      conversations: this.#store.size,
      activeGenerations: this.#engine.activeCount,
      queuedPrompts: this.#engine.queuedCount,
    };
  }

  /** Stops generation (answers end 'interrupted'), saves everything, frees the model. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const off of this.#unsubscribe.splice(0)) off();
      await this.#engine.dispose();
      await Promise.all([...this.#active.values()].map((a) => a.finished));
      await this.#store.close();
    })();
    return this.#closing;
  }

  // ---- commands ----

  #createHandlers(): HearthHandlers {
    const { thermal, coolingCheck } = this.#deps;
    return {
      getSnapshot: async () => ({
        model: this.#engine.status(),
        thermal: thermal.status(),
        conversations: this.#store.list(),
        coolingCheck: coolingCheck.report(),
      }),
      listConversations: async () => this.#store.list(),
      openConversation: async ({ id }) => {
        const found = this.#store.get(id);
        if (!found) throw new ApiFailure('not_found', `No conversation ${id}`);
        return found;
      },
      newConversation: async () => {
        this.#assertOpen();
        const created = await this.#store.create();
        this.#emitList();
        return created;
      },
      deleteConversation: async ({ id }) => {
        if (!this.#store.has(id)) throw new ApiFailure('not_found', `No conversation ${id}`);
        this.#engine.forgetConversation(id);
        await this.#store.delete(id);
        this.#deps.events.emit({ type: 'conversationDeleted', conversationId: id });
        this.#emitList();
        return { ok: true as const };
      },
      sendPrompt: async ({ conversationId, text }, ctx) =>
        this.#sendPrompt(conversationId, text, ctx.clientId),
      stop: async ({ conversationId }) => {
        const active = this.#active.get(conversationId);
        return { stopped: active ? this.#engine.stop(active.messageId) : false };
      },
      startCoolingCheck: async ({ durationSec }) => coolingCheck.start(durationSec),
      stopCoolingCheck: async () => coolingCheck.stop(),
    };
  }

  #assertOpen(): void {
    if (this.#closing) throw new ApiFailure('model_unavailable', 'Hearth is shutting down');
  }

  async #sendPrompt(
    conversationId: string,
    text: string,
    clientId: string,
  ): Promise<{ userMessage: Message; assistantMessage: Message }> {
    this.#assertOpen();
    const model = this.#engine.status();
    if (model.state === 'error' || model.state === 'none') {
      throw new ApiFailure('model_unavailable', model.error ?? 'No model is loaded');
    }
    if (!this.#store.has(conversationId)) {
      throw new ApiFailure('not_found', `No conversation ${conversationId}`);
    }
    if (this.#active.has(conversationId)) {
      throw new ApiFailure('busy', 'This conversation is still answering; stop it or wait');
    }
    const now = Date.now();
    const userMessage: Message = {
      id: randomUUID(),
      role: 'user',
      text,
      status: 'complete',
      createdAt: now,
    };
    const assistantMessage: Message = {
      id: randomUUID(),
      role: 'assistant',
      text: '',
      status: 'queued',
      createdAt: now,
    };
    // Claimed before the first await, so a double tap cannot queue two answers.
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    this.#active.set(conversationId, { messageId: assistantMessage.id, finished });
    try {
      await this.#store.addMessages(conversationId, [userMessage, assistantMessage]);
    } catch (error) {
      this.#active.delete(conversationId);
      finish();
      throw error;
    }
    const { events } = this.#deps;
    events.emit({ type: 'message', conversationId, message: userMessage });
    events.emit({ type: 'message', conversationId, message: assistantMessage });
    this.#emitList();

    const messageId = assistantMessage.id;
    const batcher = new TokenBatcher(
      (delta) => events.emit({ type: 'tokens', conversationId, messageId, text: delta }),
      this.#tokenBatchMs,
    );
    let answer: Promise<GenerationResult>;
    try {
      answer = this.#engine.generate({
        clientId,
        conversationId,
        messageId,
        prompt: text,
        history: () => this.#turnsBefore(conversationId, userMessage.id),
        onQueue: (position, reason) =>
          events.emit({
            type: 'queue',
            conversationId,
            messageId,
            position,
            ...(reason === undefined ? {} : { reason }),
          }),
        onStart: () => this.#markStreaming(conversationId, messageId),
        onText: (delta) => {
          this.#store.appendText(conversationId, messageId, delta);
          batcher.push(delta);
        },
      });
    } catch (error) {
      // The model went away between the check above and now.
      const reason = error instanceof Error ? error.message : String(error);
      answer = Promise.resolve({
        status: 'error',
        text: '',
        error: reason,
        slowedByCooling: false,
      });
    }
    this.#deps.logger.info('prompt_queued', { conversationId, messageId, clientId });
    void answer
      .then((result) => {
        batcher.flush();
        return this.#finishAnswer(conversationId, messageId, result);
      })
      .finally(finish);
    return { userMessage, assistantMessage };
  }

  #markStreaming(conversationId: string, messageId: string): void {
    // The status changes in memory at once, so the event goes out before any text.
    this.#store
      .updateMessage(conversationId, messageId, { status: 'streaming' })
      .catch((error: unknown) => {
        this.#deps.logger.error('answer_save_failed', { conversationId, error: String(error) });
      });
    const message = this.#store.message(conversationId, messageId);
    if (message) this.#deps.events.emit({ type: 'message', conversationId, message });
  }

  async #finishAnswer(
    conversationId: string,
    messageId: string,
    result: GenerationResult,
  ): Promise<void> {
    try {
      await this.#store.updateMessage(conversationId, messageId, {
        status: result.status,
        text: result.text,
        ...(result.stats ? { stats: result.stats } : {}),
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.slowedByCooling ? { slowedByCooling: true } : {}),
      });
    } catch (error) {
      // Logged by the store; the answer is still in memory and is saved with the next change.
      this.#deps.logger.error('answer_save_failed', { conversationId, error: String(error) });
    }
    // Free the conversation before telling clients, so they can send the next prompt at once.
    this.#active.delete(conversationId);
    this.#deps.logger.info('answer_done', {
      conversationId,
      messageId,
      status: result.status,
      ...(result.stats ?? {}),
      ...(result.error === undefined ? {} : { error: result.error }),
    });
    const message = this.#store.message(conversationId, messageId);
    // The conversation was deleted meanwhile: nothing to tell anyone.
    if (!message) return;
    this.#deps.events.emit({ type: 'message', conversationId, message });
    this.#emitList();
  }

  /** The conversation before a prompt, as the model should see it. */
  #turnsBefore(conversationId: string, userMessageId: string): ChatTurn[] {
    const messages = this.#store.get(conversationId)?.messages ?? [];
    const end = messages.findIndex((m) => m.id === userMessageId);
    const turns: ChatTurn[] = [];
    const earlier = end < 0 ? messages : messages.slice(0, end);
    for (let i = 0; i < earlier.length; i++) {
      const message = earlier[i] as Message;
      if (message.role !== 'user') continue;
      const reply = earlier[i + 1];
      // A prompt that never got any answer text gave the model nothing to build on.
      if (!reply || reply.role !== 'assistant' || reply.text === '') continue;
      turns.push({ role: 'user', text: message.text }, { role: 'assistant', text: reply.text });
    }
    return turns;
  }

  #emitList(): void {
    this.#deps.events.emit({ type: 'conversations', conversations: this.#store.list() });
  }
}
