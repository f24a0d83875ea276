// The line every client's prompts wait in, and the one answer running at a time.
// Clients take turns (FairQueue); while cooling holds new answers they stay
// queued and are marked as slowed. Each waiting prompt is told how many answers
// are ahead of it, and why it waits, whenever either changes.
import type { AnswerStats } from '../../shared/api';
import type { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../base/log';
import type { ChatTurn } from './chatHistory';
import { FairQueue } from './fairQueue';

/** One prompt to answer. */
export interface GenerationJob {
  clientId: string;
  conversationId: string;
  /** Id of the assistant message being answered (what stop() takes). */
  messageId: string;
  prompt: string;
  /** Earlier turns of the conversation, asked for only when a session must be rebound to it. */
  history(): ChatTurn[];
  /** Position = answers ahead of this one (the running one included); reason set while held. */
  onQueue?(position: number, reason: string | undefined): void;
  onStart?(): void;
  onText?(text: string): void;
}

export interface GenerationResult {
  status: 'complete' | 'stopped' | 'interrupted' | 'error';
  text: string;
  stats?: AnswerStats;
  error?: string;
  slowedByCooling: boolean;
}

/** A prompt from the moment it is queued until its answer ends. */
export interface PendingAnswer {
  readonly job: GenerationJob;
  /** Set once it runs; aborting it ends the answer early. */
  abort?: AbortController;
  /** Why it was ended early, when it was. */
  endReason?: 'stopped' | 'interrupted';
  /** Cooling held it or slowed it down. */
  slowed: boolean;
  /** Ends the answer with this result (slowedByCooling is filled in). */
  finish(result: Omit<GenerationResult, 'slowedByCooling'>): void;
}

interface Waiting extends PendingAnswer {
  /** The last queue notice sent, so an unchanged one is not sent again. */
  lastPosition?: number;
  lastReason?: string;
}

export interface AnswerQueueOptions {
  logger: Logger;
  /** Whether an answer may start at all (the model is ready and the engine open). */
  canStart(): boolean;
  /** Not null while cooling holds new answers: they wait, and their clients are told why. */
  holdReason(): string | null;
  /** Runs one answer; resolves when it has ended. */
  run(answer: PendingAnswer): Promise<void>;
  /** An answer started or ended. */
  onBusyChange(): void;
}

export class AnswerQueue implements Disposable {
  readonly #options: AnswerQueueOptions;
  readonly #waiting = new FairQueue<Waiting>();
  #running: PendingAnswer | undefined;
  #runningDone: Promise<void> | undefined;

  constructor(options: AnswerQueueOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** The answer being generated, if any. */
  get running(): PendingAnswer | undefined {
    return this.#running;
  }

  /** Cooling is slowing the running answer down (its result will say so). */
  markSlowed(): void {
    if (this.#running) this.#running.slowed = true;
  }

  /** Queues a prompt; resolves when its answer ends (never rejects). */
  push(job: GenerationJob): Promise<GenerationResult> {
    return new Promise<GenerationResult>((resolve) => {
      const answer: Waiting = {
        job,
        slowed: false,
        finish: (result) => resolve({ ...result, slowedByCooling: answer.slowed }),
      };
      this.#waiting.push(job.clientId, answer);
      this.update();
    });
  }

  /** Starts the next answer if it may start, and tells the waiting ones where they stand. */
  update(): void {
    this.#pump();
    this.#notify();
  }

  /** Stops the answer for messageId: aborts it while running, drops it while queued. */
  stop(messageId: string): boolean {
    if (this.#running?.job.messageId === messageId) {
      this.#running.endReason ??= 'stopped';
      this.#running.abort?.abort();
      return true;
    }
    const answer = this.#waiting.remove((a) => a.job.messageId === messageId);
    if (!answer) return false;
    answer.finish({ status: 'stopped', text: '' });
    this.#notify();
    return true;
  }

  /** Ends every queued answer with an error (the model cannot answer them). */
  failAll(error: string): void {
    for (const answer of this.#waiting.drain()) answer.finish({ status: 'error', text: '', error });
  }

  /** Interrupts the running answer (its text is kept); queued ones stay queued. */
  async interruptRunning(): Promise<void> {
    if (this.#running) {
      this.#running.endReason = 'interrupted';
      this.#running.abort?.abort();
    }
    await this.#runningDone;
  }

  /** Interrupts every answer, queued and running; resolves when the running one has ended. */
  async dispose(): Promise<void> {
    for (const answer of this.#waiting.drain()) answer.finish({ status: 'interrupted', text: '' });
    if (this.#running) {
      this.#running.endReason = 'interrupted';
      this.#running.abort?.abort();
    }
    await this.#runningDone;
  }

  #pump(): void {
    if (this.#running || this.#waiting.size === 0 || !this.#options.canStart()) return;
    if (this.#options.holdReason() !== null) {
      for (const answer of this.#waiting.ordered()) answer.slowed = true;
      return;
    }
    const answer = this.#waiting.shift();
    if (!answer) return;
    this.#running = answer;
    this.#options.onBusyChange();
    this.#runningDone = this.#options.run(answer).finally(() => {
      this.#running = undefined;
      this.#options.onBusyChange();
      this.update();
    });
  }

  #notify(): void {
    const reason = this.#options.holdReason() ?? undefined;
    const ahead = this.#running ? 1 : 0;
    this.#waiting.ordered().forEach((answer, index) => {
      const position = ahead + index;
      if (answer.lastPosition === position && answer.lastReason === reason) return;
      answer.lastPosition = position;
      answer.lastReason = reason;
      try {
        answer.job.onQueue?.(position, reason);
      } catch (error) {
        this.#options.logger.error('queue_listener_failed', { error: String(error) });
      }
    });
  }
}
