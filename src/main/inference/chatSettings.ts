// The exact chat settings Hearth prompts a model with. Exported so that tests,
// benchmarks and the end-to-end check can drive raw node-llama-cpp with the
// very same wrapper, system prompt and sampling options.
import {
  GeneralChatWrapper,
  resolveChatWrapper,
  type ChatWrapper,
  type LlamaChatSessionOptions,
  type LlamaModel,
} from 'node-llama-cpp';
import type { HearthConfig } from '../config/config';

/** The model's own chat template (GGUF `tokenizer.chat_template`), when it has one. */
export function modelChatTemplate(model: LlamaModel): string | undefined {
  const template: unknown = model.fileInfo.metadata.tokenizer?.chat_template;
  return typeof template === 'string' && template.trim() !== '' ? template : undefined;
}

/**
 * The model's own template when it has one; otherwise GeneralChatWrapper. Without a
 * template node-llama-cpp guesses from the architecture (Llama2Chat for any llama
 * model), which degrades models that were never trained on that format.
 */
export function chatWrapperFor(model: LlamaModel): ChatWrapper {
  if (modelChatTemplate(model) !== undefined) return resolveChatWrapper(model);
  return new GeneralChatWrapper();
}

export type ChatSettingsConfig = Pick<
  HearthConfig,
  'systemPrompt' | 'temperature' | 'seed' | 'maxTokens'
>;

/** Options for `new LlamaChatSession(...)`, minus the sequence. */
export function chatSessionOptions(
  model: LlamaModel,
  config: ChatSettingsConfig,
): Omit<LlamaChatSessionOptions, 'contextSequence'> {
  return { chatWrapper: chatWrapperFor(model), systemPrompt: config.systemPrompt };
}

/** Sampling options for `session.prompt(...)`. */
export function promptOptions(config: ChatSettingsConfig): {
  temperature: number;
  maxTokens: number;
  seed?: number;
} {
  return {
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
  };
}
