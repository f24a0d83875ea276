// What a phone shows, rebuilt from the frames it receives exactly as a browser
// would (snapshots replace, 'message' events replace one message, 'tokens'
// append), checking on the way what must never happen: a skipped, repeated or
// reordered sequence number, tokens for a message never shown, or streamed
// text that does not add up to the final answer.
import type { HearthEvent, Message } from '../../shared/api';
import type { SnapshotFrame } from '../../shared/wire';

/** A message as this phone shows it. */
export interface ShownMessage {
  conversationId: string;
  message: Message;
}

export class PhoneView {
  /** The messages shown, by id. */
  readonly shown = new Map<string, ShownMessage>();
  /** Things that must never happen; a test asserts this stays empty. */
  readonly violations: string[] = [];
  /** Events processed, by type. */
  readonly eventCounts = new Map<string, number>();
  /** The last sequence number processed: what a resume asks to continue from. */
  lastSeq = 0;

  /** A whole new picture: the open conversation as it is now, and the number events go on from. */
  snapshot(frame: SnapshotFrame): void {
    this.lastSeq = frame.seq;
    const open = frame.open;
    for (const [id, shown] of this.shown) {
      if (shown.conversationId === open?.id) this.shown.delete(id);
    }
    for (const message of open?.messages ?? []) {
      this.shown.set(message.id, { conversationId: open?.id ?? '', message });
    }
  }

  /** One event of the session; it must carry the next sequence number. */
  event(seq: number, event: HearthEvent): void {
    if (seq !== this.lastSeq + 1) this.violations.push(`event seq ${seq} after ${this.lastSeq}`);
    this.lastSeq = seq;
    this.eventCounts.set(event.type, (this.eventCounts.get(event.type) ?? 0) + 1);
    if (event.type === 'message') {
      this.#replace(event.conversationId, event.message);
    } else if (event.type === 'tokens') {
      const shown = this.shown.get(event.messageId);
      if (!shown) this.violations.push(`tokens for a message never shown (seq ${seq})`);
      else shown.message = { ...shown.message, text: shown.message.text + event.text };
    }
  }

  /** The message once it has ended (complete, stopped, interrupted, error). */
  ended(messageId: string): Message | undefined {
    const message = this.shown.get(messageId)?.message;
    return message && !['queued', 'streaming'].includes(message.status) ? message : undefined;
  }

  /** True while one of the shown answers is streaming. */
  get streaming(): boolean {
    return [...this.shown.values()].some(
      ({ message }) => message.role === 'assistant' && message.status === 'streaming',
    );
  }

  #replace(conversationId: string, message: Message): void {
    const before = this.shown.get(message.id)?.message;
    const ended = !['queued', 'streaming'].includes(message.status);
    // The final message must say what the streamed tokens said, or some were
    // lost, repeated or reordered on the way.
    if (before && ended && message.role === 'assistant' && before.text !== message.text) {
      this.violations.push(
        `message ${message.id}: streamed ${JSON.stringify(before.text.slice(-80))} ` +
          `but the answer is ${JSON.stringify(message.text.slice(-80))}`,
      );
    }
    this.shown.set(message.id, { conversationId, message });
  }
}
