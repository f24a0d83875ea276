// Deleting from the history drawer: Delete shows only where this client may
// delete, a delete leaves "Conversation deleted" with Undo for 8 seconds, and
// Undo brings the conversation back into the list (and on screen if it was
// open). A real store over the fake transport; markup from server rendering,
// the Undo button pressed through the hook-free view (viewTree.ts).
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppSnapshot, ConversationSummary } from '../../../shared/api';
import {
  connectedHearths,
  conversation,
  renderWithState,
  settle,
  snapshot,
} from '../../../testing/rendererFakes';
import { buttonNames, press, textOf } from '../../../testing/viewTree';
import type { HearthStore } from '../store/hearthStore';
import { HistoryDrawer } from './HistoryDrawer';
import { UndoDeleteView } from './UndoDelete';

const connect = connectedHearths();
afterEach(() => {
  vi.useRealTimers();
});

const PHONE = 'device:7d6c8f3e-1111-4222-8333-944455556666';
const OTHER = 'device:0b1e2f3a-2222-4333-8444-955566667777';

const summary = (id: string, updatedAt: number, startedBy?: string): ConversationSummary => ({
  id,
  title: `Talk ${id}`,
  updatedAt,
  messageCount: 2,
  ...(startedBy ? { startedBy } : {}),
});

/** A Hearth whose delete and undo work like main's: the list loses, then regains, the conversation. */
async function hearthWith(list: ConversationSummary[], viewer = 'owner') {
  const deleted = new Map<string, ConversationSummary>();
  const shown = [...list];
  const { hearth, fake } = await connect({
    getSnapshot: (): AppSnapshot => ({ ...snapshot(), conversations: [...shown], viewer }),
    openConversation: ({ id }: { id: string }) => ({ ...conversation(id), title: `Talk ${id}` }),
    deleteConversation: ({ id }: { id: string }) => {
      const index = shown.findIndex((c) => c.id === id);
      deleted.set(id, shown.splice(index, 1)[0] as ConversationSummary);
      return { ok: true };
    },
    undoDelete: ({ id }: { id: string }) => {
      const back = deleted.get(id);
      if (!back) throw new Error('nothing to undo');
      shown.push(back);
      return back;
    },
  });
  await hearth.actions.openConversation(list[0]?.id ?? '');
  return { hearth, fake };
}

const undoView = (hearth: HearthStore) => (
  <UndoDeleteView
    undo={hearth.store.getState().undo}
    onUndo={() => void hearth.actions.undoDelete()}
  />
);
const listed = (hearth: HearthStore) => hearth.store.getState().conversations.map((c) => c.id);

describe('Undo after deleting a conversation', () => {
  it('says "Conversation deleted" with Undo, and Undo puts the conversation back and opens it again', async () => {
    const { hearth, fake } = await hearthWith([summary('a', 2), summary('b', 1)]);
    expect(renderToStaticMarkup(undoView(hearth))).toBe(
      '<div class="undo-status" role="status"></div>',
    );

    await hearth.actions.deleteConversation('a');
    await settle();
    expect(listed(hearth)).toEqual(['b']);
    expect(hearth.store.getState().current?.id).toBe('b');
    const view = undoView(hearth);
    expect(textOf(view)).toBe('Conversation deleted' + 'Undo');
    expect(buttonNames(view)).toEqual(['Undo']);

    press(view, 'Undo');
    await settle();
    expect(fake.calls.filter((c) => c.name === 'undoDelete')).toEqual([
      { name: 'undoDelete', args: { id: 'a' } },
    ]);
    expect(listed(hearth).sort()).toEqual(['a', 'b']);
    expect(hearth.store.getState().current?.id).toBe('a');
    // The offer is used up: the status is empty again.
    expect(buttonNames(undoView(hearth))).toEqual([]);
  });

  it('withdraws Undo after 8 seconds, and the conversation stays deleted', async () => {
    const { hearth, fake } = await hearthWith([summary('a', 2), summary('b', 1)]);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await hearth.actions.deleteConversation('b');
    await vi.advanceTimersByTimeAsync(7_900);
    expect(buttonNames(undoView(hearth))).toEqual(['Undo']);
    await vi.advanceTimersByTimeAsync(200);
    expect(hearth.store.getState().undo).toBeNull();
    expect(buttonNames(undoView(hearth))).toEqual([]);
    await hearth.actions.undoDelete();
    expect(fake.calls.some((c) => c.name === 'undoDelete')).toBe(false);
    expect(listed(hearth)).toEqual(['a']);
  });
});

describe('the history drawer', () => {
  const drawer = (
    <HistoryDrawer
      open
      onClose={() => {}}
      onCheckCooling={() => {}}
      onConnectPhone={() => {}}
      onOpenSettings={() => {}}
    />
  );
  const deleteButtons = (html: string) =>
    [...html.matchAll(/aria-label="(Delete [^"]+)"/g)].map((m) => m[1]);
  const conversations = [
    summary('mine', 3, PHONE),
    summary('theirs', 2, OTHER),
    summary('owners', 1, 'owner'),
    summary('old', 0),
  ];

  it('offers Delete on a phone only for the conversations that phone started', () => {
    const html = renderWithState(drawer, { role: 'device', viewer: PHONE, conversations });
    expect(deleteButtons(html)).toEqual(['Delete Talk mine']);
    expect(html).toContain('Talk theirs');
  });

  it('offers Delete to the owner for every conversation, old ones too', () => {
    const html = renderWithState(drawer, { role: 'owner', viewer: 'owner', conversations });
    expect(deleteButtons(html)).toEqual([
      'Delete Talk mine',
      'Delete Talk theirs',
      'Delete Talk owners',
      'Delete Talk old',
    ]);
  });

  it('shows "Conversation deleted" with Undo at the top while it is offered', () => {
    const html = renderWithState(drawer, {
      role: 'owner',
      conversations,
      undo: { id: 'x', title: 'Gone', wasOpen: false },
    });
    expect(html).toContain(
      '<div class="undo-status" role="status"><span>Conversation deleted</span><button type="button" class="button">Undo</button></div>',
    );
  });
});
