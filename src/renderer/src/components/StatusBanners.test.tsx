// A phone on a Hearth with no model, or whose model failed to load, is told
// plainly; the owner gets the setup screen instead, with why on top.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { HearthStore } from '../store/hearthStore';
import { HearthContext } from '../store/context';
import { initialState, type HearthState } from '../store/state';
import { ConversationLog } from './ConversationLog';
import { SetupScreen } from './setup/SetupScreen';
import { ModelAlert, ownerNeedsSetup } from './StatusBanners';

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

describe('a model that failed to load', () => {
  const failed = {
    synced: true,
    model: { state: 'error' as const, error: 'Model file not found: stories260K.gguf' },
  };

  it('takes the owner to the setup screen, with why on top, and no second banner above it', () => {
    const owner = { ...failed, role: 'owner' as const };
    expect(ownerNeedsSetup({ ...initialState, ...owner })).toBe(true);
    expect(render(owner, <ModelAlert />)).toBe('');
    const screen = render(owner, <SetupScreen />);
    expect(screen).toMatch(
      /^<main class="setup"[^>]*><div class="setup-inner"><div class="banner banner-error" role="alert"><strong>The model could not be loaded\.<\/strong> Model file not found: stories260K\.gguf<\/div><h2 id="setup-title"/,
    );
  });

  it('leaves a phone on the conversation view, with the banner', () => {
    const phone = { ...failed, role: 'device' as const };
    expect(ownerNeedsSetup({ ...initialState, ...phone })).toBe(false);
    expect(render(phone, <ModelAlert />)).toBe(
      '<div class="banner banner-error" role="alert"><strong>The model could not be loaded.</strong> Model file not found: stories260K.gguf</div>',
    );
  });

  it('the owner goes back to the conversation once a model loads or is ready', () => {
    for (const state of ['loading', 'ready'] as const) {
      expect(ownerNeedsSetup({ ...initialState, role: 'owner', model: { state } })).toBe(false);
    }
    expect(ownerNeedsSetup({ ...initialState, role: 'owner', model: { state: 'none' } })).toBe(
      true,
    );
  });
});
