// The renderer's mirror of main's state. It talks to a HearthTransport and never
// knows whether that is IPC (kiosk) or a WebSocket (phone). This file only puts
// the parts together: the state (state.ts), how events change it (events.ts),
// keeping in step with main (sync.ts), which conversation is open
// (navigation.ts), prompts waiting for the link (outbox.ts) and what the UI can
// ask for (actions.ts).
import { DisposableStore, type Disposable } from '../../../shared/lifecycle';
import type { HearthTransport } from '../../../shared/transport';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { browserVoice } from '../voice/browserVoice';
import { createActions, type HearthActions } from './actions';
import { DeleteUndo } from './deleteUndo';
import { animationFrames, FrameBatcher, type FrameScheduler } from './frameBatcher';
import { withDeltas } from './events';
import { ConversationOpener } from './navigation';
import { PromptOutbox } from './outbox';
import { initialState, type HearthState } from './state';
import { HearthSync } from './sync';
import { createVoice, voiceStartState, type VoiceActions, type VoiceDeps } from './voice';

export type { HearthActions } from './actions';
export type { DeletedConversation, HearthState, PendingPrompt, QueueInfo } from './state';
export type { VoiceActions } from './voice';

export interface HearthStore extends Disposable {
  store: StoreApi<HearthState>;
  actions: HearthActions;
  /** Talk, Stop speaking and the two voice switches (store/voice.ts). */
  voice: VoiceActions;
  dispose(): void;
}

export interface HearthOptions {
  frames?: FrameScheduler;
  /** Replaces the browser's microphone, player, storage or voice link (tests; the real API's link). */
  voice?: Partial<VoiceDeps>;
}

export function createHearthStore(
  transport: HearthTransport,
  options: HearthOptions = {},
): HearthStore {
  const voiceDeps = { ...browserVoice(transport), ...options.voice };
  // The first render already shows this device's voice switches and whether it can listen.
  const store = createStore<HearthState>()(() => ({
    ...initialState,
    ...voiceStartState(voiceDeps),
  }));
  const batcher = new FrameBatcher(options.frames ?? animationFrames, (deltas) =>
    store.setState((state) => withDeltas(state, deltas)),
  );
  const opener = new ConversationOpener(transport, store, batcher);
  const owned = new DisposableStore();
  owned.defer(() => opener.cancel());
  owned.defer(() => batcher.clear());
  const outbox = owned.add(new PromptOutbox(transport, store, opener));
  const undo = owned.add(new DeleteUndo(store));
  const actions = createActions(transport, store, opener, outbox, undo);
  const voice = owned.add(
    createVoice(store, voiceDeps, {
      // Barge-in stops the answer as Stop does, keeping its partial text.
      stopAnswer: () => actions.stop(),
      // Talk with nothing open: a transcript goes into the conversation this client has open.
      ensureConversation: async () => {
        const { synced, current } = store.getState();
        if (synced && current === null) await actions.newConversation();
      },
      onTypedPrompt: (listener) => outbox.onSent(listener),
    }),
  );
  // Newest first: no event reaches the store once disposal has begun.
  owned.add(new HearthSync(transport, store, batcher, opener));

  return {
    store,
    actions,
    voice,
    dispose() {
      owned
        .dispose()
        .catch((error: unknown) => console.error('hearth: store disposal failed', error));
    },
  };
}
