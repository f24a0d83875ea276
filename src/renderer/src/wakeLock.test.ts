import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { Message } from '../../shared/api';
import { conversation, message, settle } from '../../testing/rendererFakes';
import { initialState, type HearthState } from './store/state';
import { holdScreenWhileAnswering, type WakeLockEnvironment } from './wakeLock';

interface FakeLock {
  released: boolean;
  onRelease?: () => void;
  release(): Promise<void>;
  addEventListener(type: 'release', listener: () => void): void;
}

/** A wake lock API that records what is held; release() is what the browser calls too. */
function fakeWakeLock() {
  const held: FakeLock[] = [];
  const wakeLock: NonNullable<WakeLockEnvironment['wakeLock']> = {
    request: async () => {
      const lock: FakeLock = {
        released: false,
        release: async () => {
          lock.released = true;
          lock.onRelease?.();
        },
        addEventListener: (_type, listener) => {
          lock.onRelease = listener;
        },
      };
      held.push(lock);
      return lock;
    },
  };
  return { wakeLock, held, active: () => held.filter((l) => !l.released).length };
}

function storeWith(status: Message['status']) {
  return createStore<HearthState>()(() => ({
    ...initialState,
    current: conversation('c', [message('a', 'assistant', '', status)]),
  }));
}

const answer = (status: Message['status']) => ({
  current: conversation('c', [message('a', 'assistant', 'Hi', status)]),
});

describe('screen wake lock', () => {
  it('is held while an answer streams and released when it ends', async () => {
    const lock = fakeWakeLock();
    const store = storeWith('complete');
    const holding = holdScreenWhileAnswering(store, { ...lock, isSecureContext: true });
    expect(lock.active()).toBe(0);
    store.setState(answer('streaming'));
    await settle();
    expect(lock.active()).toBe(1);
    store.setState(answer('streaming')); // more text: still the one lock
    await settle();
    expect(lock.held).toHaveLength(1);
    store.setState(answer('complete'));
    await settle();
    expect(lock.active()).toBe(0);
    holding.dispose();
  });

  it('takes it again after the browser let go of it while the page was hidden', async () => {
    const lock = fakeWakeLock();
    const store = storeWith('streaming');
    const holding = holdScreenWhileAnswering(store, { ...lock, isSecureContext: true });
    await settle();
    await lock.held[0]?.release(); // the page was hidden
    expect(lock.active()).toBe(0);
    store.setState(answer('streaming'));
    await settle();
    expect(lock.active()).toBe(1);
    holding.dispose();
    await settle();
    expect(lock.active()).toBe(0);
  });

  it('does nothing, without an error, where the API is missing or the page is not secure', async () => {
    const lock = fakeWakeLock();
    const store = storeWith('streaming');
    holdScreenWhileAnswering(store, { wakeLock: lock.wakeLock, isSecureContext: false }).dispose();
    holdScreenWhileAnswering(store, { isSecureContext: false }).dispose();
    holdScreenWhileAnswering(store, { isSecureContext: true }).dispose();
    await settle();
    expect(lock.held).toHaveLength(0);
  });
});
