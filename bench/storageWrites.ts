// SD-card wear: bytes written and fsyncs per streamed answer of 500 tokens in
// a conversation of 50 earlier messages. "Before" rewrites the whole
// conversation atomically every 500 ms of streaming, as the store used to;
// "after" is the real store, which appends to a journal. Both write real
// files through a file-system port that counts every byte and fsync.
//
// Time is virtual, so the figures do not depend on the machine: a token
// arrives every 20 ms and the store's save tick runs once per 500 ms of it.
// Run alone: node --import tsx bench/storageWrites.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation, Message } from '../src/shared/api';
import { ConversationStore } from '../src/main/conversations/store';
import { writeFileAtomic } from '../src/main/base/atomicWrite';
import { nodeFileSystem, type StorageFileSystem } from '../src/main/base/fileSystem';
import { silentLogger } from '../src/testing/loggers';
import { printTable, type BenchRow } from './stats';

const TOKENS = 500;
const TOKEN_MS = 20;
const SAVE_MS = 500;
const TOKENS_PER_SAVE = SAVE_MS / TOKEN_MS;
const WORDS = [' sun', ' sky', ' dog', ' ran', ' far', ' and', ' saw', ' red'];
const ANSWER = Array.from({ length: TOKENS }, (_, i) => WORDS[i % WORDS.length] ?? '');
const ANSWER_BYTES = Buffer.byteLength(ANSWER.join(''));
/** Bounds the steady-state run, which streams answers until the journal is folded in. */
const MAX_ANSWERS_IN_A_ROW = 1000;

export interface Counts {
  bytes: number;
  fsyncs: number;
  /** Whole-file rewrites: the journal folded into the conversation file. */
  rewrites: number;
}

/** node:fs, counting the bytes written and the fsyncs (of files and of directories). */
export function countingFs(): { fs: StorageFileSystem; counts: Counts } {
  const counts: Counts = { bytes: 0, fsyncs: 0, rewrites: 0 };
  const fs: StorageFileSystem = {
    ...nodeFileSystem,
    async open(path, flags) {
      const file = await nodeFileSystem.open(path, flags);
      return {
        write: (data) => {
          counts.bytes += Buffer.byteLength(data);
          return file.write(data);
        },
        sync: () => {
          counts.fsyncs++;
          return file.sync();
        },
        close: () => file.close(),
      };
    },
    rename: (from, to) => {
      counts.rewrites++;
      return nodeFileSystem.rename(from, to);
    },
    syncDirectory: (path) => {
      counts.fsyncs++;
      return nodeFileSystem.syncDirectory(path);
    },
  };
  return { fs, counts };
}

const message = (role: Message['role'], text: string, status: Message['status']): Message => ({
  id: crypto.randomUUID(),
  role,
  text,
  status,
  createdAt: Date.now(),
});

function earlierMessages(): Message[] {
  return Array.from({ length: 50 }, (_, i) =>
    i % 2 === 0
      ? message('user', `Question ${i}: tell me about the weather on the hill today?`, 'complete')
      : message('assistant', ANSWER.slice(0, 300).join(''), 'complete'),
  );
}

/** What the API service does with the store for one prompt and its streamed answer. */
interface Strategy {
  prompt(user: Message, answer: Message): Promise<void>;
  streaming(answerId: string): Promise<void>;
  token(answerId: string, text: string): void;
  /** 500 ms of streaming have passed. */
  tick(): Promise<void>;
  complete(answerId: string, text: string): Promise<void>;
}

/** The old way: every change rewrites the whole file; streamed text every 500 ms. */
function rewriteStrategy(fs: StorageFileSystem, dir: string, conversation: Conversation): Strategy {
  const path = join(dir, `${conversation.id}.json`);
  const save = () => writeFileAtomic(fs, path, JSON.stringify(conversation));
  const find = (id: string) => conversation.messages.find((m) => m.id === id) as Message;
  let dirty = false;
  return {
    async prompt(user, answer) {
      conversation.messages.push(user, answer);
      await save();
    },
    async streaming(answerId) {
      find(answerId).status = 'streaming';
      await save();
    },
    token(answerId, text) {
      find(answerId).text += text;
      dirty = true;
    },
    async tick() {
      if (dirty) await save();
      dirty = false;
    },
    async complete(answerId, text) {
      Object.assign(find(answerId), { status: 'complete', text });
      dirty = false;
      await save();
    },
  };
}

/** The store as the service drives it; its save timer fires on each tick. */
function storeStrategy(store: ConversationStore, conversationId: string): Strategy {
  return {
    prompt: async (user, answer) => {
      await store.addMessages(conversationId, [user, answer]);
    },
    streaming: async (answerId) => {
      await store.updateMessage(conversationId, answerId, { status: 'streaming' });
    },
    token: (answerId, text) => store.appendText(conversationId, answerId, text),
    // saveIntervalMs is 0: the store's timer runs before this one.
    tick: () => new Promise((resolve) => setTimeout(resolve, 0)),
    complete: async (answerId, text) => {
      const stats = { tokens: TOKENS, tokensPerSecond: 50, timeToFirstTokenMs: 180 };
      await store.updateMessage(conversationId, answerId, { status: 'complete', text, stats });
    },
  };
}

async function streamOneAnswer(strategy: Strategy, clock: { ms: number }): Promise<void> {
  const answer = message('assistant', '', 'queued');
  await strategy.prompt(message('user', 'And what happened next?', 'complete'), answer);
  await strategy.streaming(answer.id);
  for (let i = 0; i < TOKENS; i++) {
    strategy.token(answer.id, ANSWER[i] ?? '');
    clock.ms += TOKEN_MS;
    if ((i + 1) % TOKENS_PER_SAVE === 0) await strategy.tick();
  }
  await strategy.complete(answer.id, ANSWER.join(''));
}

interface PerAnswer {
  bytes: number;
  fsyncs: number;
  answers: number;
}

/**
 * Bytes and fsyncs per answer. `untilRewrite` streams answers in a row until
 * the whole file is rewritten once (one full cycle of the journal), and
 * averages over them; otherwise it streams one answer.
 */
async function measure(kind: 'before' | 'after', untilRewrite = false): Promise<PerAnswer> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-storage-'));
  const { fs, counts } = countingFs();
  const clock = { ms: 0 };
  const store = new ConversationStore({
    dir,
    logger: silentLogger,
    fs,
    saveIntervalMs: 0,
    monotonic: () => clock.ms,
  });
  try {
    await store.load();
    const { id } = await store.create();
    await store.addMessages(id, earlierMessages());
    // Start from a freshly written file, as after a restart.
    await store.dispose();
    const reopened = new ConversationStore({
      dir,
      logger: silentLogger,
      fs,
      saveIntervalMs: 0,
      monotonic: () => clock.ms,
    });
    await reopened.load();
    const conversation = reopened.get(id) as Conversation;
    const strategy =
      kind === 'before' ? rewriteStrategy(fs, dir, conversation) : storeStrategy(reopened, id);
    const start = { ...counts };
    let answers = 0;
    do {
      await streamOneAnswer(strategy, clock);
      answers++;
    } while (untilRewrite && counts.rewrites === start.rewrites && answers < MAX_ANSWERS_IN_A_ROW);
    await reopened.flush();
    const result = {
      bytes: (counts.bytes - start.bytes) / answers,
      fsyncs: (counts.fsyncs - start.fsyncs) / answers,
      answers,
    };
    await reopened.dispose();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function storageWriteRows(): Promise<BenchRow[]> {
  const before = await measure('before');
  const after = await measure('after');
  const steady = await measure('after', true);
  const times = (bytes: number) => bytes / ANSWER_BYTES;
  const target = 3 * ANSWER_BYTES;
  return [
    { name: 'storage: answer size (500 tokens)', value: ANSWER_BYTES, unit: 'B' },
    {
      name: 'storage: bytes written per answer, before (rewrite every 500 ms)',
      value: before.bytes,
      unit: `B (${times(before.bytes).toFixed(0)}x answer)`,
    },
    { name: 'storage: fsyncs per answer, before', value: before.fsyncs, unit: 'fsyncs' },
    {
      name: 'storage: bytes written per answer, after (journal)',
      value: after.bytes,
      unit: `B (${times(after.bytes).toFixed(2)}x answer)`,
      target: `<= ${target} B (3x answer)`,
      pass: after.bytes <= target,
    },
    { name: 'storage: fsyncs per answer, after', value: after.fsyncs, unit: 'fsyncs' },
    {
      name: `storage: bytes per answer, after, ${steady.answers} answers until the journal is folded in`,
      value: steady.bytes,
      unit: `B (${times(steady.bytes).toFixed(2)}x answer)`,
      target: `<= ${target} B (3x answer)`,
      pass: steady.bytes <= target,
    },
    {
      name: `storage: fsyncs per answer, after, ${steady.answers} answers until folded in`,
      value: steady.fsyncs,
      unit: 'fsyncs',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await storageWriteRows());
}
