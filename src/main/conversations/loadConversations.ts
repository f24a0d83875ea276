// Start-up: reads every conversation file, replays the journal a crash left
// beside it, sets corrupt files aside, and marks answers a dead process left
// streaming as interrupted. It only reads (and sets aside); saving the repairs
// is the store's job, so a full disk does not stop Hearth from starting.
import { join } from 'node:path';
import { conversation as conversationSchema, type Conversation } from '../../shared/api';
import type { Logger } from '../base/log';
import { renameDurably, TEMP_SUFFIX } from '../base/atomicWrite';
import { errorCode, type StorageFileSystem } from '../base/fileSystem';
import type { DiskState } from './conversationFile';
import { isUuid } from './ids';
import { contentHash, JOURNAL_SUFFIX, replayJournal } from './journal';
import { parseTrashName, trashName } from './trash';

export interface LoadedConversation {
  conversation: Conversation;
  state: DiskState;
}

export interface LoadContext {
  fs: StorageFileSystem;
  dir: string;
  logger: Logger;
  now: () => number;
}

export async function loadConversations(context: LoadContext): Promise<LoadedConversation[]> {
  const { fs, dir, logger } = context;
  await fs.mkdir(dir);
  const names = (await fs.readdir(dir)).sort();
  const present = new Set(names);
  const loaded: LoadedConversation[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith(TEMP_SUFFIX)) {
      // A write that a crash cut short; the previous version is intact.
      await fs.remove(path);
      continue;
    }
    if (name.endsWith(JOURNAL_SUFFIX)) {
      const id = name.slice(0, -JOURNAL_SUFFIX.length);
      if (present.has(`${id}.json`)) continue;
      // A crash cut short a move to or from the trash (the JSON moves first
      // on delete, last on undo): the journal belongs with its JSON there.
      const trashedAt = newestTrash(names, id);
      if (trashedAt !== undefined)
        await renameDurably(fs, path, join(dir, trashName(name, trashedAt)));
      // Else a delete from before the trash, cut short: its conversation is gone.
      else await fs.remove(path);
      continue;
    }
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    if (!isUuid(id)) {
      logger.warn('conversation_file_ignored', { file: path, problem: 'its name is not a UUID' });
      continue;
    }
    const found = await readConversation(context, id, present.has(`${id}${JOURNAL_SUFFIX}`));
    if (found) loaded.push(found);
  }
  return loaded;
}

/** When the newest trashed JSON of a conversation was deleted, if there is one. */
function newestTrash(names: string[], id: string): number | undefined {
  let newest: number | undefined;
  for (const name of names) {
    const trashed = parseTrashName(name);
    if (trashed?.id === id && trashed.kind === 'json' && trashed.deletedAt > (newest ?? -1)) {
      newest = trashed.deletedAt;
    }
  }
  return newest;
}

/**
 * Reads one conversation (<id>.json and its journal), marking answers a dead
 * process left streaming as interrupted; a file that cannot be read is set
 * aside and undefined returned.
 */
export async function readConversation(
  context: LoadContext,
  id: string,
  hasJournal: boolean,
): Promise<LoadedConversation | undefined> {
  const { fs, dir, logger } = context;
  const path = join(dir, `${id}.json`);
  const journalPath = join(dir, `${id}${JOURNAL_SUFFIX}`);
  let text: string;
  let problem: string;
  try {
    text = await fs.readFile(path);
    const parsed = conversationSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.id === id) {
      const conversation = parsed.data;
      const journal = hasJournal ? await readJournal(context, journalPath) : undefined;
      let cleanJournalBytes: number | undefined;
      if (journal !== undefined) {
        const replay = replayJournal(conversation, text, journal);
        if (replay.ignored === 0 && !replay.stale) cleanJournalBytes = Buffer.byteLength(journal);
        else logger.info('conversation_journal_damaged', { conversationId: id, ...replay });
      }
      const interrupted = recoverInterrupted(conversation);
      if (interrupted > 0) {
        logger.warn('conversation_recovered', {
          conversationId: id,
          interruptedMessages: interrupted,
        });
      }
      const state: DiskState = {
        base: contentHash(text),
        jsonBytes: Buffer.byteLength(text),
        hasJournal: journal !== undefined,
        cleanJournalBytes,
        unsaved: interrupted > 0,
      };
      return { conversation, state };
    }
    problem = parsed.success
      ? `its id ${parsed.data.id} does not match the file name`
      : parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'file'}: ${i.message}`)
          .join('; ');
  } catch (error) {
    problem = (error as Error).message;
  }
  await setAside(context, path, problem, hasJournal ? journalPath : undefined);
  return undefined;
}

/** The journal's text; undefined when it is gone or could not be read (then it is set aside). */
async function readJournal(context: LoadContext, path: string): Promise<string | undefined> {
  try {
    return await context.fs.readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    await setAside(context, path, (error as Error).message, undefined);
    return undefined;
  }
}

/** Keeps a file that cannot be read under a new name, so nothing is lost and start-up goes on. */
async function setAside(
  context: LoadContext,
  path: string,
  problem: string,
  journalPath: string | undefined,
): Promise<void> {
  const { fs, logger, now } = context;
  const suffix = `.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await renameDurably(fs, path, `${path}${suffix}`);
    if (journalPath) await renameDurably(fs, journalPath, `${journalPath}${suffix}`);
  } catch (error) {
    logger.error('conversation_set_aside_failed', {
      file: path,
      error: (error as Error).message,
    });
    return;
  }
  logger.warn('conversation_corrupt', { file: path, movedTo: `${path}${suffix}`, problem });
}

/** A message left queued or streaming by a dead process becomes interrupted. */
export function recoverInterrupted(conversation: Conversation): number {
  let changed = 0;
  for (const message of conversation.messages) {
    if (message.status === 'streaming' || message.status === 'queued') {
      message.status = 'interrupted';
      changed++;
    }
  }
  return changed;
}
