// Where the printed owner page link points, for each way the server can be bound.
import { describe, expect, it } from 'vitest';
import { ownerPageLine, ownerPageOrigin } from './ownerPage';

describe('the owner page origin', () => {
  it('is loopback when the server listens on loopback or on every address', () => {
    expect(ownerPageOrigin('127.0.0.1', 8737)).toEqual({ url: 'http://127.0.0.1:8737' });
    expect(ownerPageOrigin('127.0.0.2', 8737)).toEqual({ url: 'http://127.0.0.2:8737' });
    expect(ownerPageOrigin('::1', 8737)).toEqual({ url: 'http://[::1]:8737' });
    expect(ownerPageOrigin('localhost', 8737)).toEqual({ url: 'http://127.0.0.1:8737' });
    // A wildcard bind is reachable on loopback too: never print 0.0.0.0 or a LAN address.
    expect(ownerPageOrigin('0.0.0.0', 8737)).toEqual({ url: 'http://127.0.0.1:8737' });
    expect(ownerPageOrigin('::', 8737)).toEqual({ url: 'http://127.0.0.1:8737' });
  });

  it('is the one address a server bound to a specific LAN address listens on, and says so', () => {
    const link = ownerPageOrigin('192.168.1.20', 8737);
    expect(link.url).toBe('http://192.168.1.20:8737');
    expect(ownerPageLine({ ...link, url: `${link.url}/owner?secret=S` })).toBe(
      'Owner page: http://192.168.1.20:8737/owner?secret=S (Hearth listens only on 192.168.1.20, not on loopback, so the owner page is there)',
    );
    expect(ownerPageOrigin('fd00::20', 8737).url).toBe('http://[fd00::20]:8737');
  });

  it('prints a loopback link without a note', () => {
    expect(ownerPageLine({ url: 'http://127.0.0.1:8737/owner?secret=S' })).toBe(
      'Owner page: http://127.0.0.1:8737/owner?secret=S',
    );
  });
});
