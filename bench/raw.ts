// The baseline: node-llama-cpp used directly, with the same wrapper, system
// prompt and thread count Hearth uses, so ratios compare like with like.
import {
  GeneralChatWrapper,
  getLlama,
  LlamaChatSession,
  type Llama,
  type LlamaModel,
} from 'node-llama-cpp';

export interface RunFigures {
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  tokens: number;
}

export class RawBaseline {
  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly options: { threads: number; contextSize: number; systemPrompt: string },
  ) {}

  static async open(modelPath: string, threads: number, contextSize: number, systemPrompt: string) {
    const llama = await getLlama({ gpu: false, maxThreads: threads, logLevel: 'error' as never });
    const model = await llama.loadModel({ modelPath });
    return new RawBaseline(llama, model, { threads, contextSize, systemPrompt });
  }

  /** One prompt on a fresh context, timed from the call to the first and last token. */
  async run(prompt: string, maxTokens: number): Promise<RunFigures> {
    const context = await this.model.createContext({
      contextSize: this.options.contextSize,
      threads: this.options.threads,
    });
    try {
      const session = new LlamaChatSession({
        contextSequence: context.getSequence(),
        chatWrapper: new GeneralChatWrapper(),
        systemPrompt: this.options.systemPrompt,
      });
      let tokens = 0;
      let first = 0;
      const start = performance.now();
      await session.prompt(prompt, {
        maxTokens,
        temperature: 0,
        onToken: (chunk) => {
          if (tokens === 0) first = performance.now();
          tokens += chunk.length;
        },
      });
      const end = performance.now();
      return {
        timeToFirstTokenMs: first - start,
        tokensPerSecond: tokens > 1 ? (tokens - 1) / ((end - first) / 1000) : 0,
        tokens,
      };
    } finally {
      await context.dispose();
    }
  }

  async close(): Promise<void> {
    await this.model.dispose();
    await this.llama.dispose();
  }
}
