import { describe, expect, it } from 'vitest';
import { identify, isLoopbackAddress, type Caller, type Identity } from './requestAuth';

const PHONE = { id: 'd1', name: 'Chrome on Android' };
const identity: Identity = {
  isTrustedAddress: isLoopbackAddress,
  authenticate: (token) => (token === 'good-token' ? PHONE : undefined),
};

function caller(overrides: Partial<Caller>): Caller {
  return {
    remoteAddress: '127.0.0.1',
    host: '127.0.0.1:8737',
    relayed: false,
    deviceToken: undefined,
    ...overrides,
  };
}

describe('isLoopbackAddress', () => {
  it('knows 127.0.0.0/8, ::1 and IPv4-mapped loopback', () => {
    for (const address of [
      '127.0.0.1',
      '127.4.5.6',
      '::1',
      '::ffff:127.0.0.1',
      '::FFFF:127.9.9.9',
    ]) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
  });

  it('refuses everything else, including names and look-alikes', () => {
    for (const address of [
      undefined,
      '',
      'localhost',
      '128.0.0.1',
      '192.168.1.20',
      '::ffff:192.168.1.20',
      '::2',
      'fe80::1',
      '127.0.0.256',
      '1270.0.0.1',
    ]) {
      expect(isLoopbackAddress(address), String(address)).toBe(false);
    }
  });
});

describe('identify', () => {
  it('makes a loopback request to an IP or localhost Host the owner', () => {
    for (const host of ['127.0.0.1:8737', 'localhost:8737', '[::1]:8737', '127.0.0.1:1234']) {
      expect(identify(caller({ host }), identity), host).toEqual({ role: 'owner' });
    }
    expect(identify(caller({ remoteAddress: '::ffff:127.0.0.1' }), identity)).toEqual({
      role: 'owner',
    });
  });

  it('does not make the owner of a loopback request sent to a host name (a rebinding page)', () => {
    expect(identify(caller({ host: 'hearth-pi.local:8737' }), identity)).toBeUndefined();
    expect(identify(caller({ host: 'hearth.lan' }), identity)).toBeUndefined();
    expect(identify(caller({ host: undefined }), identity)).toBeUndefined();
  });

  it('does not make the owner of a request a proxy on this machine relayed', () => {
    expect(identify(caller({ relayed: true }), identity)).toBeUndefined();
    expect(identify(caller({ relayed: true, deviceToken: 'good-token' }), identity)).toEqual({
      role: 'device',
      deviceId: 'd1',
      deviceName: 'Chrome on Android',
    });
  });

  it('makes a LAN request with a valid device cookie that device, and without one nobody', () => {
    const lan = { remoteAddress: '192.168.1.30', host: '192.168.1.20:8737' };
    expect(identify(caller({ ...lan, deviceToken: 'good-token' }), identity)).toEqual({
      role: 'device',
      deviceId: 'd1',
      deviceName: 'Chrome on Android',
    });
    expect(identify(caller({ ...lan, deviceToken: 'forgotten-token' }), identity)).toBeUndefined();
    expect(identify(caller(lan), identity)).toBeUndefined();
  });

  it('keeps the owner the owner even with a device cookie', () => {
    expect(identify(caller({ deviceToken: 'good-token' }), identity)).toEqual({ role: 'owner' });
  });

  it('asks the injected trust rule, so a test can stand in a phone on loopback', () => {
    const phoneOnly: Identity = { ...identity, isTrustedAddress: () => false };
    expect(identify(caller({}), phoneOnly)).toBeUndefined();
    expect(identify(caller({ deviceToken: 'good-token' }), phoneOnly)?.role).toBe('device');
  });
});
