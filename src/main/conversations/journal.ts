// A conversation's journal: <id>.journal beside <id>.json, one JSON line per
// change since the JSON was last rewritten. Streaming appends a few bytes to it
// instead of rewriting the whole conversation, which wears an SD card far less.
//
// The first line names the exact JSON text the journal applies to (a hash). A
// crash after the JSON was rewritten but before the old journal was removed
// leaves a journal for an older text: the hash no longer matches, so it is not
// applied twice. A line is only counted once its newline is written, so a
// torn last line from a crash or a full disk is ignored.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { message as messageSchema, type Conversation, type Message } from '../../shared/api';

export const JOURNAL_SUFFIX = '.journal';

/** Message fields a change may set (never its id, role or creation time). */
export type MessagePatch = Partial<Omit<Message, 'id' | 'role' | 'createdAt'>>;

// The shared schemas are zod/mini; this file's helpers are the full API's.
const patchSchema = z
  .object(messageSchema.shape)
  .omit({ id: true, role: true, createdAt: true })
  .partial()
  .strict();
const index = z.number().int().nonnegative();

const recordSchema = z.union([
  /** Messages added at the end, with the title and update time they gave the conversation. */
  z.object({ add: z.array(messageSchema), title: z.string(), at: z.number() }).strict(),
  /** Fields of message i changed (status, final text, stats); `at` moves updatedAt. */
  z.object({ i: index, set: patchSchema, at: z.number().optional() }).strict(),
  /** Text streamed onto the end of message i. */
  z.object({ i: index, t: z.string() }).strict(),
]);
export type JournalRecord = z.infer<typeof recordSchema>;
export type AddRecord = Extract<JournalRecord, { add: Message[] }>;

const headerSchema = z.object({ journal: z.literal(1), base: z.string() }).strict();

/** Names a JSON text; short, since it is written once per journal. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function journalHeader(base: string): string {
  return `${JSON.stringify({ journal: 1, base })}\n`;
}

export function encodeRecords(records: readonly JournalRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/** Applies one change; false when it does not fit the conversation (then replay stops). */
export function applyRecord(conversation: Conversation, record: JournalRecord): boolean {
  if ('add' in record) {
    const known = new Set(conversation.messages.map((m) => m.id));
    for (const added of record.add) {
      if (!known.has(added.id)) conversation.messages.push({ ...added });
    }
    conversation.title = record.title;
    conversation.updatedAt = record.at;
    return true;
  }
  const target = conversation.messages[record.i];
  if (!target) return false;
  if ('t' in record) {
    target.text += record.t;
    return true;
  }
  Object.assign(target, record.set);
  if (record.at !== undefined) conversation.updatedAt = record.at;
  return true;
}

export interface ReplayResult {
  /** Changes applied onto the conversation. */
  applied: number;
  /** The journal belongs to an older JSON text (its compaction had finished): not applied. */
  stale: boolean;
  /** Lines after the last good one (a torn tail, or damage), not applied. */
  ignored: number;
}

/** Applies a journal onto the conversation read from jsonText. */
export function replayJournal(
  conversation: Conversation,
  jsonText: string,
  journalText: string,
): ReplayResult {
  const lines = journalText.split('\n');
  // The piece after the last newline was never finished.
  const torn = lines.pop() === '' ? 0 : 1;
  const [first, ...rest] = lines;
  const header = headerSchema.safeParse(parseLine(first));
  if (!header.success || header.data.base !== contentHash(jsonText)) {
    return { applied: 0, stale: header.success, ignored: header.success ? 0 : lines.length + torn };
  }
  let applied = 0;
  for (const line of rest) {
    const record = recordSchema.safeParse(parseLine(line));
    if (!record.success || !applyRecord(conversation, record.data)) break;
    applied++;
  }
  return { applied, stale: false, ignored: rest.length - applied + torn };
}

function parseLine(line: string | undefined): unknown {
  try {
    return line === undefined ? undefined : JSON.parse(line);
  } catch {
    return undefined;
  }
}
