// The colours every screen follows: the owner's choice from Settings (carried in
// the snapshot and by 'appearance' events) set on the page's root element, where
// styles.css reads it. 'system' leaves the choice to prefers-color-scheme.
// The last choice is remembered in the browser, so a screen fixed to dark does
// not flash light while it waits for its first snapshot.
import { useContext, useEffect } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { theme as themeSchema, type Theme } from '../../shared/api';
import { HearthContext } from './store/context';
import type { HearthState } from './store/state';

/** The part of an element the theme is written to (document.documentElement). */
export interface ThemedRoot {
  dataset: DOMStringMap;
}

/** Where the last theme is kept between starts (localStorage). */
export interface ThemeMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'hearth.theme';

export function applyTheme(root: ThemedRoot, theme: Theme): void {
  if (root.dataset.theme !== theme) root.dataset.theme = theme;
}

/** The theme this browser last showed; 'system' when none was kept or it is unreadable. */
export function rememberedTheme(memory: ThemeMemory | undefined): Theme {
  try {
    const parsed = themeSchema.safeParse(memory?.getItem(KEY));
    return parsed.success ? parsed.data : 'system';
  } catch {
    // Storage may be refused (private mode, a locked-down browser).
    return 'system';
  }
}

function remember(memory: ThemeMemory | undefined, theme: Theme): void {
  try {
    memory?.setItem(KEY, theme);
  } catch {
    // Only a nicety: without storage the next start shows the system colours first.
  }
}

/**
 * Keeps root's theme in step with the store's until the returned function is
 * called. Until the first snapshot the store only holds a default, so the
 * remembered theme stays on screen.
 */
export function followTheme(
  store: StoreApi<HearthState>,
  root: ThemedRoot,
  memory?: ThemeMemory,
): () => void {
  const follow = (state: HearthState): void => {
    if (state.synced) {
      applyTheme(root, state.theme);
      remember(memory, state.theme);
    } else if (root.dataset.theme === undefined) {
      applyTheme(root, state.theme);
    }
  };
  follow(store.getState());
  return store.subscribe(follow);
}

function browserMemory(): ThemeMemory | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Before the first render: the theme this browser showed last time. */
export function applyRememberedTheme(): void {
  applyTheme(document.documentElement, rememberedTheme(browserMemory()));
}

/** The page's root element follows the store's theme while the app is mounted. */
export function useDocumentTheme(): void {
  const hearth = useContext(HearthContext);
  useEffect(
    () =>
      hearth ? followTheme(hearth.store, document.documentElement, browserMemory()) : undefined,
    [hearth],
  );
}
