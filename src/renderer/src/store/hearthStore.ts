// The renderer's mirror of main's state. It talks to a HearthTransport and never
// knows whether that is IPC (kiosk) or a WebSocket (phone). This file only puts
// the parts together: the state (state.ts), how events change it (events.ts),
// keeping in step with main (sync.ts), which conversation is open
// (navigation.ts), prompts waiting for the link (outbox.ts) and what the UI can
// ask for (actions.ts).
import { DisposableStore, type Disposable } from '../../../shared/lifecycle';
import type { HearthTransport } from '../../../shared/transport';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createActions, type HearthActions } from './actions';
import { DeleteUndo } from './deleteUndo';
import { animationFrames, FrameBatcher, type FrameScheduler } from './frameBatcher';
import { withDeltas } from './events';
import { ConversationOpener } from './navigation';
import { PromptOutbox } from './outbox';
import { initialState, type HearthState } from './state';
import { HearthSync } from './sync';

export type { HearthActions } from './actions';
export type { DeletedConversation, HearthState, PendingPrompt, QueueInfo } from './state';

export interface HearthStore extends Disposable {
  store: StoreApi<HearthState>;
  actions: HearthActions;
  dispose(): void;
}

export interface HearthOptions {
  frames?: FrameScheduler;
}

export function createHearthStore(
  transport: HearthTransport,
  options: HearthOptions = {},
): HearthStore {
  const store = createStore<HearthState>()(() => ({ ...initialState }));
  const batcher = new FrameBatcher(options.frames ?? animationFrames, (deltas) =>
    store.setState((state) => withDeltas(state, deltas)),
  );
  const opener = new ConversationOpener(transport, store, batcher);
  const owned = new DisposableStore();
  owned.defer(() => opener.cancel());
  owned.defer(() => batcher.clear());
  const outbox = owned.add(new PromptOutbox(transport, store, opener));
  const undo = owned.add(new DeleteUndo(store));
  // Newest first: no event reaches the store once disposal has begun.
  owned.add(new HearthSync(transport, store, batcher, opener));

  return {
    store,
    actions: createActions(transport, store, opener, outbox, undo),
    dispose() {
      owned
        .dispose()
        .catch((error: unknown) => console.error('hearth: store disposal failed', error));
    },
  };
}
