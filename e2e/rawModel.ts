// What node-llama-cpp itself answers for a prompt, with the very settings Hearth
// uses (the same config loader, chat wrapper, system prompt and sampling options),
// so an end-to-end test can check the UI shows exactly the model's answer.
import { getLlama, LlamaChatSession, LlamaLogLevel } from 'node-llama-cpp';
import { chatSessionOptions, promptOptions } from '../src/main/inference/chatSettings';
import { loadConfig } from '../src/main/config/config';

/** `env` is the server's environment: the answer uses the settings it would load. */
export async function rawAnswer(prompt: string, env: NodeJS.ProcessEnv): Promise<string> {
  const config = loadConfig(env);
  if (!config.model) throw new Error('HEARTH_MODEL is not set');
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    maxThreads: config.threads ?? 1,
    logLevel: LlamaLogLevel.error,
  });
  try {
    const model = await llama.loadModel({ modelPath: config.model, gpuLayers: 0 });
    const context = await model.createContext({
      contextSize: config.contextSize,
      threads: config.threads ?? 1,
    });
    const session = new LlamaChatSession({
      ...chatSessionOptions(model, config),
      contextSequence: context.getSequence(),
    });
    return await session.prompt(prompt, promptOptions(config));
  } finally {
    await llama.dispose();
  }
}
