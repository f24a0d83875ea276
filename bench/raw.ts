// The baseline: node-llama-cpp used directly, with the same wrapper, system
// prompt and thread count Hearth uses, so ratios compare like with like.
import {
  GeneralChatWrapper,
  getLlama,
  LlamaLogLevel,
  LlamaChatSession,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';

export interface RunFigures {
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  tokens: number;
}

export class RawBaseline {
  private readonly sequence: LlamaContextSequence;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly systemPrompt: string,
  ) {
    this.sequence = context.getSequence();
  }

  static async open(modelPath: string, threads: number, contextSize: number, systemPrompt: string) {
    const llama = await getLlama({
      gpu: false,
      maxThreads: threads,
      logLevel: LlamaLogLevel.error,
    });
    const model = await llama.loadModel({ modelPath });
    const context = await model.createContext({ contextSize, threads });
    return new RawBaseline(llama, model, context, systemPrompt);
  }

  /** A chat on the kept sequence, with the wrapper and system prompt Hearth uses. */
  private newChat(): LlamaChatSession {
    return new LlamaChatSession({
      contextSequence: this.sequence,
      chatWrapper: new GeneralChatWrapper(),
      systemPrompt: this.systemPrompt,
      autoDisposeSequence: false,
    });
  }

  /**
   * One prompt in a new chat on a kept context sequence, timed from the call to the
   * first and last token. node-llama-cpp reuses the evaluated system prompt of the
   * previous chat, as Hearth's engine does, so first-token times compare like with like.
   */
  async run(prompt: string, maxTokens: number): Promise<RunFigures> {
    const session = this.newChat();
    try {
      let tokens = 0;
      let first = 0;
      const start = performance.now();
      let text = '';
      await session.prompt(prompt, {
        maxTokens,
        temperature: 0,
        onToken: (chunk) => {
          if (tokens === 0) first = performance.now();
          tokens += chunk.length;
        },
        // A real client streams the text too, as Hearth does.
        onTextChunk: (chunk) => {
          text += chunk;
        },
      });
      if (text.length === 0) throw new Error('raw run produced no text');
      const end = performance.now();
      return {
        timeToFirstTokenMs: first - start,
        tokensPerSecond: tokens > 1 ? (tokens - 1) / ((end - first) / 1000) : 0,
        tokens,
      };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }

  /**
   * One conversation of several prompts in a single chat session, as node-llama-cpp
   * keeps it on its own; returns each prompt's time to first token.
   */
  async conversation(prompts: string[], maxTokens: number): Promise<number[]> {
    const session = this.newChat();
    try {
      const firstTokenMs: number[] = [];
      for (const prompt of prompts) {
        let first = 0;
        const start = performance.now();
        await session.prompt(prompt, {
          maxTokens,
          temperature: 0,
          onToken: () => {
            if (first === 0) first = performance.now();
          },
        });
        firstTokenMs.push(first - start);
      }
      return firstTokenMs;
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
