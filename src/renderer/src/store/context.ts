import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { HearthActions } from './actions';
import type { HearthStore, VoiceActions } from './hearthStore';
import type { HearthState } from './state';

export const HearthContext = createContext<HearthStore | null>(null);

function useHearthContext(): HearthStore {
  const hearth = useContext(HearthContext);
  if (!hearth) throw new Error('HearthContext is missing');
  return hearth;
}

/** Selects a slice of the mirrored state; re-renders only when that slice changes. */
export function useHearth<T>(selector: (state: HearthState) => T): T {
  return useStore(useHearthContext().store, selector);
}

export function useActions(): HearthActions {
  return useHearthContext().actions;
}

/** Talk, Stop speaking and the voice switches. */
export function useVoice(): VoiceActions {
  return useHearthContext().voice;
}
