import { describe, expect, it } from 'vitest';
import { clearedDeviceCookie, deviceCookie, readDeviceToken } from './deviceCookie';

const TOKEN = 'Hk3_9aQ-0pLm2Zx7Vb5Nc1Sd4Fg6Jh8Kw0Ry2Tu4Io';

describe('device cookie', () => {
  it('is HttpOnly, SameSite=Strict, site-wide and long-lived', () => {
    const header = deviceCookie(TOKEN);
    expect(header.split('; ')).toEqual([
      `hearth_device=${TOKEN}`,
      'Path=/',
      'Max-Age=315360000',
      'HttpOnly',
      'SameSite=Strict',
    ]);
    expect(deviceCookie(TOKEN, { secure: true })).toMatch(/; Secure$/);
  });

  it('refuses a value that could inject cookie attributes', () => {
    expect(() => deviceCookie('abc; Domain=evil.example')).toThrow();
  });

  it('is removed by an expired cookie of the same name and path', () => {
    expect(clearedDeviceCookie()).toMatch(/^hearth_device=; Path=\/; Max-Age=0;/);
  });

  it('is read from a Cookie header among other cookies', () => {
    expect(readDeviceToken(`theme=dark; hearth_device=${TOKEN}; lang=en`)).toBe(TOKEN);
    expect(readDeviceToken(`hearth_device=${TOKEN}`)).toBe(TOKEN);
    expect(readDeviceToken('theme=dark; not_hearth_device=x')).toBeUndefined();
    expect(readDeviceToken('hearth_device=')).toBeUndefined();
    expect(readDeviceToken(undefined)).toBeUndefined();
  });
});
