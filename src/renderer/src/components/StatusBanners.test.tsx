// A phone on a Hearth with no model is told plainly that it cannot answer yet
// and where a model is set up; the owner gets the setup screen instead.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { HearthStore } from '../store/hearthStore';
import { HearthContext } from '../store/context';
import { initialState, type HearthState } from '../store/state';
import { ConversationLog } from './ConversationLog';
import { ModelAlert } from './StatusBanners';

/** Server rendering reads a store's first state, so each case gets a store that starts in it. */
function render(state: Partial<HearthState>, node: React.ReactNode): string {
  const hearth = {
    store: createStore<HearthState>()(() => ({ ...initialState, ...state })),
    actions: {},
    dispose() {},
  } as unknown as HearthStore;
  return renderToStaticMarkup(<HearthContext value={hearth}>{node}</HearthContext>);
}

describe('no model set up yet', () => {
  const none = { synced: true, model: { state: 'none' as const } };

  it('a phone is told to set one up on the Hearth screen, and is not invited to ask', () => {
    const phone = { ...none, role: 'device' as const };
    expect(render(phone, <ModelAlert />)).toMatch(
      /role="status">No model is set up yet, so Hearth cannot answer\. Set one up on the Hearth screen\./,
    );
    const log = render(phone, <ConversationLog />);
    expect(log).toContain('No model yet.');
    expect(log).not.toContain('Ask Hearth anything.');
  });

  it('the owner sees no banner (the setup screen says it), and a ready model none', () => {
    expect(render({ ...none, role: 'owner' }, <ModelAlert />)).toBe('');
    const ready = { synced: true, role: 'device' as const, model: { state: 'ready' as const } };
    expect(render(ready, <ModelAlert />)).toBe('');
    expect(render(ready, <ConversationLog />)).toContain('Ask Hearth anything.');
  });
});
