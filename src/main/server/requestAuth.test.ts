// Who a request is, decided over a real owner secret in a scratch data
// directory: the address proves nothing, the owner cookie does.
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { OwnerSecret } from '../pairing/ownerSecret';
import { identify, isLoopbackAddress, type Caller, type Identity } from './requestAuth';

const cleanups = useCleanups();
const PHONE = { id: 'd1', name: 'Chrome on Android' };

async function ownerSecret(dataDir = cleanups.scratchDir('hearth-auth-')): Promise<OwnerSecret> {
  const owner = await OwnerSecret.open({ dataDir, logger: createMemoryLogger() });
  cleanups.defer(() => owner.dispose());
  return owner;
}

function identityOf(owner: OwnerSecret): Identity {
  return {
    isOwnerToken: (token) => owner.isOwnerToken(token),
    authenticate: (token) => (token === 'good-token' ? PHONE : undefined),
    isLocalAddress: isLoopbackAddress,
  };
}

/** A loopback request to 127.0.0.1:8737 with no cookie, unless overridden. */
function caller(overrides: Partial<Caller>): Caller {
  return {
    remoteAddress: '127.0.0.1',
    host: '127.0.0.1:8737',
    relayed: false,
    deviceToken: undefined,
    ownerToken: undefined,
    ...overrides,
  };
}

/** The owner cookie's token, as the owner page hands it out. */
function tokenOf(owner: OwnerSecret): string {
  const proof = owner.prove(owner.secret, '127.0.0.1');
  if (!proof.ok) throw new Error('the right secret was refused');
  return proof.token;
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
  it('treats a loopback request without the owner cookie as unpaired, whatever its Host', async () => {
    const identity = identityOf(await ownerSecret());
    for (const host of ['127.0.0.1:8737', 'localhost:8737', '[::1]:8737']) {
      expect(identify(caller({ host }), identity), host).toBeUndefined();
    }
    expect(identify(caller({ remoteAddress: '::ffff:127.0.0.1' }), identity)).toBeUndefined();
    // A token of the right shape proves nothing either.
    expect(
      identify(caller({ ownerToken: 'Hk3_9aQ-0pLm2Zx7Vb5Nc1Sd4Fg6Jh8Kw0Ry2Tu4Io' }), identity),
    ).toBeUndefined();
  });

  it('makes a request with the owner cookie to an IP or localhost Host the owner, from any address', async () => {
    const owner = await ownerSecret();
    const identity = identityOf(owner);
    const ownerToken = tokenOf(owner);
    for (const host of ['127.0.0.1:8737', 'localhost:8737', '[::1]:8737', '192.168.1.20:8737']) {
      expect(identify(caller({ host, ownerToken }), identity), host).toEqual({ role: 'owner' });
    }
    // The secret is what proves it: a browser on the LAN that opened the owner page is the owner.
    expect(identify(caller({ remoteAddress: '192.168.1.30', ownerToken }), identity)).toEqual({
      role: 'owner',
    });
  });

  it('does not take the owner cookie on a request sent to a host name (a rebinding page)', async () => {
    const owner = await ownerSecret();
    const identity = identityOf(owner);
    const ownerToken = tokenOf(owner);
    for (const host of ['hearth-pi.local:8737', 'hearth.lan', undefined]) {
      expect(identify(caller({ host, ownerToken }), identity), String(host)).toBeUndefined();
    }
  });

  it('does not take the owner cookie on a request a proxy relayed', async () => {
    const owner = await ownerSecret();
    const identity = identityOf(owner);
    const ownerToken = tokenOf(owner);
    expect(identify(caller({ relayed: true, ownerToken }), identity)).toBeUndefined();
    // A paired phone's cookie still counts through a proxy, as before.
    expect(
      identify(caller({ relayed: true, ownerToken, deviceToken: 'good-token' }), identity),
    ).toEqual({ role: 'device', deviceId: 'd1', deviceName: 'Chrome on Android' });
  });

  it('makes a request with a valid device cookie that device, and without one nobody', async () => {
    const identity = identityOf(await ownerSecret());
    const lan = { remoteAddress: '192.168.1.30', host: '192.168.1.20:8737' };
    expect(identify(caller({ ...lan, deviceToken: 'good-token' }), identity)).toEqual({
      role: 'device',
      deviceId: 'd1',
      deviceName: 'Chrome on Android',
    });
    expect(identify(caller({ ...lan, deviceToken: 'forgotten-token' }), identity)).toBeUndefined();
    expect(identify(caller(lan), identity)).toBeUndefined();
  });

  it('keeps the owner the owner even with a device cookie', async () => {
    const owner = await ownerSecret();
    const identity = identityOf(owner);
    const both = caller({ ownerToken: tokenOf(owner), deviceToken: 'good-token' });
    expect(identify(both, identity)).toEqual({ role: 'owner' });
  });

  it('stops taking an owner cookie the moment the secret is rotated', async () => {
    const owner = await ownerSecret();
    const identity = identityOf(owner);
    const old = tokenOf(owner);
    await owner.rotate();
    expect(identify(caller({ ownerToken: old }), identity)).toBeUndefined();
    expect(identify(caller({ ownerToken: tokenOf(owner) }), identity)).toEqual({ role: 'owner' });
  });

  it('takes an owner cookie from before a restart: the secret is read back from the data directory', async () => {
    const dataDir = cleanups.scratchDir('hearth-auth-restart-');
    const before = await ownerSecret(dataDir);
    const token = tokenOf(before);
    await before.dispose();
    const after = identityOf(await ownerSecret(dataDir));
    expect(identify(caller({ ownerToken: token }), after)).toEqual({ role: 'owner' });
  });
});
