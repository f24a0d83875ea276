// The colours every screen follows: the owner's choice from Settings (carried in
// the snapshot and by 'appearance' events) set on the page's root element, where
// styles.css reads it. 'system' leaves the choice to prefers-color-scheme.
import { useContext, useEffect } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { Theme } from '../../shared/api';
import { HearthContext } from './store/context';
import type { HearthState } from './store/state';

/** The part of an element the theme is written to (document.documentElement). */
export interface ThemedRoot {
  dataset: DOMStringMap;
}

export function applyTheme(root: ThemedRoot, theme: Theme): void {
  if (root.dataset.theme !== theme) root.dataset.theme = theme;
}

/** Keeps root's theme in step with the store's until the returned function is called. */
export function followTheme(store: StoreApi<HearthState>, root: ThemedRoot): () => void {
  applyTheme(root, store.getState().theme);
  return store.subscribe((state) => applyTheme(root, state.theme));
}

/** The page's root element follows the store's theme while the app is mounted. */
export function useDocumentTheme(): void {
  const hearth = useContext(HearthContext);
  useEffect(
    () => (hearth ? followTheme(hearth.store, document.documentElement) : undefined),
    [hearth],
  );
}
