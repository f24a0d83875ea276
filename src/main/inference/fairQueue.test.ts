import { describe, expect, it } from 'vitest';
import { FairQueue } from './fairQueue';

describe('FairQueue', () => {
  it('takes turns between clients and keeps each client first-in-first-out', () => {
    const queue = new FairQueue<string>();
    for (const item of ['k1', 'k2', 'k3']) queue.push('kiosk', item);
    queue.push('phone', 'p1');
    queue.push('phone', 'p2');
    queue.push('tablet', 't1');
    expect(queue.ordered()).toEqual(['k1', 'p1', 't1', 'k2', 'p2', 'k3']);
    const served: string[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) served.push(item);
    expect(served).toEqual(['k1', 'p1', 't1', 'k2', 'p2', 'k3']);
    expect(queue.size).toBe(0);
  });

  it('puts a client that just arrived ahead of a busy client’s second prompt', () => {
    const queue = new FairQueue<string>();
    for (const item of ['k1', 'k2', 'k3']) queue.push('kiosk', item);
    expect(queue.shift()).toBe('k1');
    // The kiosk still has k2 and k3 waiting when the phone sends its first prompt.
    queue.push('phone', 'p1');
    expect(queue.ordered()).toEqual(['k2', 'p1', 'k3']);
    const served: string[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) served.push(item);
    expect(served).toEqual(['k2', 'p1', 'k3']);
  });

  it('removes a waiting item', () => {
    const queue = new FairQueue<string>();
    queue.push('kiosk', 'k1');
    queue.push('phone', 'p1');
    expect(queue.remove((i) => i === 'k1')).toBe('k1');
    expect(queue.remove((i) => i === 'nope')).toBeUndefined();
    expect(queue.ordered()).toEqual(['p1']);
  });
});
