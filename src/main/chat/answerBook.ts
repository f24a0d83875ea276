// One record of each answer, from the moment its prompt is accepted until the
// answer is saved. It is the one place every question about answers in flight
// is asked: does this conversation have one running (so a double tap cannot
// queue two), how many does a client have waiting (so one phone cannot book the
// shared model ahead of everyone), how many are there in all, which one does
// Stop end, and which belong to a client that went away. The engine's queue
// decides only the order in which they run.
import { ApiFailure } from '../contracts/failure';

export interface AnswerLimits {
  /** Answers one client (a phone, whatever its sessions; an owner's session) may have waiting. */
  perClient: number;
  /** Answers waiting or running in all; one more prompt is refused until some finish. */
  total: number;
}

export const DEFAULT_ANSWER_LIMITS: Readonly<AnswerLimits> = Object.freeze({
  perClient: 2,
  total: 16,
});

/** What a prompt asks to book. */
export interface AnswerRequest {
  conversationId: string;
  messageId: string;
  /** Who asked, as CallContext.clientKey says: a phone's device, or an owner's session. */
  client: string;
}

/** An answer booked; release() when it has been saved. */
export interface AnswerTicket extends Readonly<AnswerRequest> {
  release(): void;
}

interface Entry extends AnswerRequest {
  finished: Promise<void>;
  done(): void;
}

export class AnswerBook {
  readonly #limits: AnswerLimits;
  readonly #byConversation = new Map<string, Entry>();
  readonly #byClient = new Map<string, Set<Entry>>();

  constructor(limits: Partial<AnswerLimits> = {}) {
    this.#limits = { ...DEFAULT_ANSWER_LIMITS, ...limits };
  }

  /** Books an answer, or throws 'busy' saying in words why it cannot be taken now. */
  open(request: AnswerRequest): AnswerTicket {
    if (this.#byConversation.has(request.conversationId)) {
      throw new ApiFailure('busy', 'This conversation is still answering; stop it or wait');
    }
    const { perClient, total } = this.#limits;
    if (this.waitingFor(request.client) >= perClient) {
      throw new ApiFailure(
        'busy',
        `You already have ${perClient} answers queued or streaming; wait for one to finish, or stop it`,
      );
    }
    if (this.#byConversation.size >= total) {
      throw new ApiFailure(
        'busy',
        `Hearth already has ${total} answers waiting for the model; try again when some have finished`,
      );
    }
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const entry: Entry = { ...request, finished, done };
    this.#byConversation.set(request.conversationId, entry);
    let mine = this.#byClient.get(request.client);
    if (!mine) this.#byClient.set(request.client, (mine = new Set()));
    mine.add(entry);
    return { ...request, release: () => this.#release(entry) };
  }

  /** The message id of the answer a conversation is giving, if any. */
  inConversation(conversationId: string): string | undefined {
    return this.#byConversation.get(conversationId)?.messageId;
  }

  /** Answers a client has queued or streaming. */
  waitingFor(client: string): number {
    return this.#byClient.get(client)?.size ?? 0;
  }

  /** Message ids of a client's answers, to stop them when the client is gone. */
  of(client: string): string[] {
    return [...(this.#byClient.get(client) ?? [])].map((entry) => entry.messageId);
  }

  /** Answers booked in all. */
  get count(): number {
    return this.#byConversation.size;
  }

  /** Resolves when every answer booked now has been saved and released. */
  async settled(): Promise<void> {
    await Promise.all([...this.#byConversation.values()].map((entry) => entry.finished));
  }

  #release(entry: Entry): void {
    if (this.#byConversation.get(entry.conversationId) === entry) {
      this.#byConversation.delete(entry.conversationId);
    }
    const mine = this.#byClient.get(entry.client);
    mine?.delete(entry);
    if (mine?.size === 0) this.#byClient.delete(entry.client);
    entry.done();
  }
}
