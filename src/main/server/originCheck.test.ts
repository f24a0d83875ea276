import { describe, expect, it } from 'vitest';
import { allowedHostNames, isAllowedHost, isSameOrigin, parseHostHeader } from './originCheck';

const machine = {
  hostname: 'hearth-pi',
  addresses: ['127.0.0.1', '192.168.1.20', '::1', 'fe80::1'],
};

describe('parseHostHeader', () => {
  it('splits names, IPv4, bracketed IPv6 and ports', () => {
    expect(parseHostHeader('localhost:8737')).toEqual({ name: 'localhost', port: 8737 });
    expect(parseHostHeader('LOCALHOST')).toEqual({ name: 'localhost', port: null });
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHostHeader('a:b:c')).toBeNull();
    expect(parseHostHeader('host:99999')).toBeNull();
    expect(parseHostHeader('user@host:1')).toBeNull();
  });
});

describe('allowedHostNames', () => {
  it('allows loopback names and the bound address', () => {
    const names = allowedHostNames('127.0.0.1', machine);
    expect([...names].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(allowedHostNames('192.168.1.20', machine).has('192.168.1.20')).toBe(true);
  });

  it('allows every local address and the host name when bound to all interfaces', () => {
    const names = allowedHostNames('0.0.0.0', machine);
    for (const name of ['192.168.1.20', 'fe80::1', 'hearth-pi', 'hearth-pi.local', 'localhost']) {
      expect(names.has(name), name).toBe(true);
    }
    expect(names.has('evil.example')).toBe(false);
  });
});

describe('isAllowedHost', () => {
  const names = allowedHostNames('127.0.0.1', machine);
  it('needs an allowed name on the listening port', () => {
    expect(isAllowedHost('127.0.0.1:8737', names, 8737)).toBe(true);
    expect(isAllowedHost('localhost:8737', names, 8737)).toBe(true);
    expect(isAllowedHost('[::1]:8737', names, 8737)).toBe(true);
    expect(isAllowedHost('127.0.0.1:9999', names, 8737)).toBe(false);
    expect(isAllowedHost('rebind.evil.example:8737', names, 8737)).toBe(false);
    expect(isAllowedHost(undefined, names, 8737)).toBe(false);
    expect(isAllowedHost('localhost', names, 80)).toBe(true);
  });
});

describe('isSameOrigin', () => {
  it('accepts the page the server itself served', () => {
    expect(isSameOrigin('http://127.0.0.1:8737', '127.0.0.1:8737')).toBe(true);
    expect(isSameOrigin('http://LOCALHOST:8737', 'localhost:8737')).toBe(true);
    expect(isSameOrigin('http://localhost', 'localhost:80')).toBe(true);
  });

  it('lets non-browser clients (no Origin) through', () => {
    expect(isSameOrigin(undefined, '127.0.0.1:8737')).toBe(true);
  });

  it('refuses other sites, other ports, opaque and non-http origins', () => {
    expect(isSameOrigin('http://evil.example', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:8000', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('http://localhost:8737', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('file://', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('chrome-extension://abc', '127.0.0.1:8737')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:8737', undefined)).toBe(false);
  });
});
