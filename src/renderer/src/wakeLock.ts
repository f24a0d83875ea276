// Keeps the screen on while an answer is coming: a phone that dims and locks
// halfway through an answer drops its link too. The Screen Wake Lock API exists
// only in secure contexts (HTTPS, or localhost), so over plain HTTP on the LAN
// there is nothing to hold: then this does nothing, without an error.
import type { Disposable } from '../../shared/lifecycle';
import type { StoreApi } from 'zustand/vanilla';
import { activeAnswer } from './store/reducers';
import type { HearthState } from './store/state';

interface WakeLockSentinelLike {
  readonly released: boolean;
  release(): Promise<void>;
  addEventListener(type: 'release', listener: () => void): void;
}

export interface WakeLockEnvironment {
  wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } | undefined;
  isSecureContext: boolean;
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
}

function browserEnvironment(): WakeLockEnvironment {
  if (typeof navigator === 'undefined') return { isSecureContext: false };
  const nav = navigator as Navigator & { wakeLock?: WakeLockEnvironment['wakeLock'] };
  return { wakeLock: nav.wakeLock, isSecureContext: globalThis.isSecureContext, document };
}

/** Holds a screen wake lock while the open conversation has an answer queued or streaming. */
export function holdScreenWhileAnswering(
  store: StoreApi<HearthState>,
  env: WakeLockEnvironment = browserEnvironment(),
): Disposable {
  const wakeLock = env.wakeLock;
  if (!wakeLock || !env.isSecureContext) return { dispose() {} };

  let sentinel: WakeLockSentinelLike | undefined;
  let requesting = false;
  let disposed = false;
  const wanted = () => !disposed && activeAnswer(store.getState().current) !== undefined;

  const update = () => {
    if (wanted()) {
      if (sentinel || requesting) return;
      // A hidden page may not take a lock; it is asked for again when visible.
      if (env.document && env.document.visibilityState !== 'visible') return;
      requesting = true;
      wakeLock.request('screen').then(
        (taken) => {
          requesting = false;
          sentinel = taken;
          // The browser lets go by itself when the page is hidden.
          taken.addEventListener('release', () => {
            if (sentinel === taken) sentinel = undefined;
          });
          if (!wanted()) release();
        },
        () => {
          requesting = false; // refused (battery saver, policy): the screen may dim
        },
      );
    } else if (sentinel) {
      release();
    }
  };

  const release = () => {
    const held = sentinel;
    sentinel = undefined;
    held?.release().catch(() => {});
  };

  const unsubscribe = store.subscribe(update);
  env.document?.addEventListener('visibilitychange', update);
  update();
  return {
    dispose() {
      disposed = true;
      unsubscribe();
      env.document?.removeEventListener('visibilitychange', update);
      release();
    },
  };
}
