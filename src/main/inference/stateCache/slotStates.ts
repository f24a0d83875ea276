// Saves a session slot's evaluated state when it would otherwise be lost, and
// loads a conversation's state into a slot instead of evaluating its history.
// It knows what a state depends on: the model (fingerprinted when it loads), the
// context size, the chat wrapper, the system prompt, and the conversation's turns.
import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import type { Logger } from '../../base/log';
import type { ChatTurn } from '../chatHistory';
import type { LoadedModel } from '../modelLoader';
import { modelFingerprint } from './modelFingerprint';
import type { ConversationStateCache } from './stateCache';
import { stateKey, turnsDigest, turnsOfHistory, type StateKeyParts } from './stateKey';

type ModelParts = Omit<StateKeyParts, 'systemPrompt'>;

export class SlotStates {
  readonly #cache: ConversationStateCache;
  readonly #logger: Logger;
  /** Settles once the loaded model is fingerprinted; undefined: no model, or it failed. */
  #model: Promise<ModelParts | undefined> = Promise.resolve(undefined);

  constructor(cache: ConversationStateCache, logger: Logger) {
    this.#cache = cache;
    this.#logger = logger;
  }

  get cache(): ConversationStateCache {
    return this.#cache;
  }

  /** A model is loaded: fingerprint it, and drop states saved for anything else. */
  attach(loaded: LoadedModel, modelPath: string, systemPrompt: string): void {
    this.#model = (async () => {
      try {
        const parts: ModelParts = {
          model: await modelFingerprint(modelPath),
          contextSize: loaded.context.contextSize,
          chatWrapper: wrapperIdentity(loaded.sessionOptions.chatWrapper),
          runtime: `${loaded.llama.llamaCppRelease.release}/${process.arch}`,
        };
        await this.#cache.retainOnly(stateKey({ ...parts, systemPrompt }));
        return parts;
      } catch (error) {
        this.#logger.warn('state_cache_unavailable', { error: String(error) });
        return undefined;
      }
    })();
  }

  /** The model is going: nothing is saved for it or loaded into it from now on. */
  detach(): void {
    this.#model = Promise.resolve(undefined);
  }

  /** A new system prompt: every saved state was evaluated under the old one. */
  async systemPromptChanged(systemPrompt: string): Promise<void> {
    const key = await this.#key(systemPrompt);
    if (key) await this.#cache.retainOnly(key);
  }

  /**
   * Saves what the sequence holds for the conversation. Resolves once the state
   * is written, when the sequence may be reused; `saved` resolves once it is
   * durable, with the bytes kept (0: none).
   */
  async save(
    sequence: LlamaContextSequence,
    conversationId: string,
    history: readonly ChatHistoryItem[],
    systemPrompt: string,
  ): Promise<{ saved: Promise<number> }> {
    const none = { saved: Promise.resolve(0) };
    const key = await this.#key(systemPrompt);
    if (!key || !this.#cache.enabled || sequence.contextTokens.length === 0) return none;
    // The session may hold only the conversation's last turns (the oldest trimmed to fit).
    const turns = turnsOfHistory(history);
    const stamp = { key, turnsDigest: turnsDigest(turns), turns: turns.length };
    const failed = (error: unknown): number => {
      this.#logger.warn('state_save_failed', { conversationId, error: String(error) });
      return 0;
    };
    try {
      const staged = await this.#cache.stage(conversationId, stamp, (path) =>
        sequence.saveStateToFile(path),
      );
      return { saved: staged.saved.catch(failed) };
    } catch (error) {
      return { saved: Promise.resolve(failed(error)) };
    }
  }

  /**
   * Loads the conversation's saved state into the sequence, if one may be.
   * Resolves with the turns it holds (the conversation's last ones), or
   * undefined when nothing was loaded.
   */
  async restore(
    sequence: LlamaContextSequence,
    conversationId: string,
    turns: readonly ChatTurn[],
    systemPrompt: string,
  ): Promise<ChatTurn[] | undefined> {
    const key = await this.#key(systemPrompt);
    if (!key) return undefined;
    const found = await this.#cache.usable(conversationId, {
      key,
      digestOfLast: (count) =>
        count <= turns.length ? turnsDigest(turns.slice(turns.length - count)) : undefined,
    });
    if (!found) return undefined;
    try {
      await sequence.loadStateFromFile(found.path, { acceptRisk: true });
      return turns.slice(turns.length - found.turns);
    } catch (error) {
      // Checked, yet refused by llama.cpp: the sequence starts empty instead.
      this.#logger.warn('state_load_failed', { conversationId, error: String(error) });
      await sequence.clearHistory();
      await this.#cache.remove(conversationId);
      return undefined;
    }
  }

  remove(conversationId: string): Promise<void> {
    return this.#cache.remove(conversationId);
  }

  async #key(systemPrompt: string): Promise<string | undefined> {
    const parts = await this.#model;
    return parts && stateKey({ ...parts, systemPrompt });
  }
}

function wrapperIdentity(wrapper: unknown): string {
  if (typeof wrapper !== 'object' || wrapper === null) return String(wrapper);
  const { wrapperName, settings } = wrapper as { wrapperName?: unknown; settings?: unknown };
  try {
    return `${String(wrapperName)}:${JSON.stringify(settings)}`;
  } catch {
    return String(wrapperName);
  }
}
