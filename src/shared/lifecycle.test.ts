import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter';
import { DisposableStore, toDisposable } from './lifecycle';

describe('DisposableStore', () => {
  it('disposes what it owns newest first, once', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.defer(() => void order.push('first'));
    store.add(toDisposable(() => void order.push('second')));
    await store.dispose();
    await store.dispose();
    expect(order).toEqual(['second', 'first']);
  });

  it('disposes every item even when one fails, then reports the failure', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.defer(() => void order.push('a'));
    store.defer(() => {
      throw new Error('disk full');
    });
    store.defer(() => void order.push('c'));
    await expect(store.dispose()).rejects.toThrow('disk full');
    expect(order).toEqual(['c', 'a']);
  });

  it('disposes an item added after the store was disposed', async () => {
    const store = new DisposableStore();
    await store.dispose();
    let disposed = false;
    store.defer(() => void (disposed = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(disposed).toBe(true);
  });

  it('works with await using', async () => {
    let disposed = false;
    {
      await using store = new DisposableStore();
      store.defer(() => void (disposed = true));
    }
    expect(disposed).toBe(true);
  });
});

describe('Emitter', () => {
  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((error) => errors.push(error));
    const seen: number[] = [];
    emitter.subscribe(() => {
      throw new Error('broken client');
    });
    emitter.subscribe((n) => seen.push(n));
    emitter.fire(1);
    emitter.fire(2);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });

  it('unsubscribes by calling or disposing the subscription', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    const a = emitter.subscribe((s) => seen.push(`a${s}`));
    const b = emitter.subscribe((s) => seen.push(`b${s}`));
    emitter.fire('1');
    a();
    b.dispose();
    emitter.fire('2');
    expect(seen).toEqual(['a1', 'b1']);
    expect(emitter.size).toBe(0);
  });

  it('lets a listener unsubscribe itself while the event is being fired', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const self = emitter.subscribe(() => {
      seen.push('self');
      self();
    });
    emitter.subscribe(() => seen.push('other'));
    emitter.fire(1);
    emitter.fire(2);
    expect(seen).toEqual(['self', 'other', 'other']);
  });
});
