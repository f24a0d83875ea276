// Deleting a conversation so that it can be undone for a short while, and the
// undo. The store takes the conversation out of memory; here its files move to
// the trash (trash.ts), durably, and on undo they move back and are read again.
// Memory's copy wins where the files lack something a full disk kept from them.
import type { Conversation } from '../../shared/api';
import { OWNER_STARTER, type ConversationStarter } from '../../shared/conversationStarter';
import type { Logger } from '../base/log';
import type { StorageFileSystem } from '../base/fileSystem';
import { ApiFailure } from '../contracts/failure';
import type { ConversationFile, DiskState } from './conversationFile';
import { readConversation, recoverInterrupted } from './loadConversations';
import { describeSaveError } from './saveFailure';
import type { ConversationTrash, TrashedConversation } from './trash';

export interface DeletionContext {
  fs: StorageFileSystem;
  dir: string;
  logger: Logger;
  now: () => number;
  trash: ConversationTrash;
}

/** A conversation the store has let go of, with the file that kept it. */
export interface Released {
  id: string;
  conversation: Conversation;
  file: ConversationFile;
}

/** Moves a released conversation's files to the trash, where `restoreDeleted` can find them. */
export async function moveToTrash(context: DeletionContext, released: Released): Promise<void> {
  const { id, conversation, file } = released;
  const deletedAt = context.now();
  let moved;
  try {
    moved = await context.trash.track(file.moveToTrash(conversation, deletedAt));
  } catch (error) {
    context.logger.error('conversation_delete_failed', {
      conversationId: id,
      error: describeSaveError(error),
    });
    throw new ApiFailure(
      'internal',
      `Hearth could not delete the conversation: ${describeSaveError(error)}`,
    );
  }
  context.trash.add({
    id,
    deletedAt,
    files: moved.files,
    startedBy: conversation.startedBy ?? OWNER_STARTER,
    conversation,
    complete: moved.complete,
  });
}

/**
 * Brings back a conversation deleted within the undo window, if `allowed`
 * says its starter's conversations may be; resolves with it and the state of
 * its files. Throws ApiFailure: not_found when there is nothing to bring
 * back, forbidden when not allowed.
 */
export async function restoreDeleted(
  context: DeletionContext,
  id: string,
  allowed: (startedBy: ConversationStarter) => boolean,
): Promise<{ conversation: Conversation; state: DiskState }> {
  const { trash } = context;
  const entry = trash.claim(id);
  if (!entry) throw nothingToRestore(trash);
  let restored = false;
  try {
    const startedBy = (await trash.starterOf(entry)) ?? OWNER_STARTER;
    if (!allowed(startedBy)) {
      throw new ApiFailure(
        'forbidden',
        'Only the device that started this conversation, or the Hearth screen, can bring it back.',
      );
    }
    const back = await reinstate(context, entry);
    restored = true;
    return back;
  } finally {
    trash.release(id, restored);
  }
}

/** The refusal of an undo that has nothing to bring back (too late, or never deleted). */
export function nothingToRestore(trash: ConversationTrash): ApiFailure {
  const seconds = Math.max(1, Math.round(trash.windowMs / 1000));
  return new ApiFailure(
    'not_found',
    `That conversation cannot be brought back: Undo works for ${seconds} seconds after a delete.`,
  );
}

/** Moves the files back and reads them; memory's copy wins where the files lack something. */
async function reinstate(
  context: DeletionContext,
  entry: TrashedConversation,
): Promise<{ conversation: Conversation; state: DiskState }> {
  const { id } = entry;
  try {
    await context.trash.restoreFiles(entry);
  } catch (error) {
    context.logger.error('conversation_restore_failed', {
      conversationId: id,
      error: describeSaveError(error),
    });
    throw new ApiFailure(
      'internal',
      `Hearth could not bring the conversation back: ${describeSaveError(error)}`,
    );
  }
  const loaded = await readConversation(context, id, entry.files.length > 1);
  if (!loaded) throw new ApiFailure('internal', 'The deleted conversation could not be read back');
  if (entry.conversation && !entry.complete) {
    // The files lacked changes a full disk kept from them: memory has them.
    recoverInterrupted(entry.conversation);
    return { conversation: entry.conversation, state: { ...loaded.state, unsaved: true } };
  }
  return loaded;
}
