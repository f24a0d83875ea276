import { describe, expect, it } from 'vitest';
import { isSameOrigin, parseHostHeader } from './originCheck';

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

describe('isSameOrigin', () => {
  it('accepts the page the server itself served', () => {
    expect(isSameOrigin('http://127.0.0.1:8737', '127.0.0.1:8737')).toBe(true);
    expect(isSameOrigin('http://LOCALHOST:8737', 'localhost:8737')).toBe(true);
    expect(isSameOrigin('http://localhost', 'localhost:80')).toBe(true);
  });

  it('accepts a page reached through a port forward, whose Origin names the forwarded port', () => {
    expect(isSameOrigin('http://127.0.0.1:1234', '127.0.0.1:1234')).toBe(true);
    expect(isSameOrigin('http://192.168.1.20', '192.168.1.20')).toBe(true);
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
