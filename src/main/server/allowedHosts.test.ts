import { describe, expect, it } from 'vitest';
import { machineAddresses, type MachineView } from '../pairing/lanAddress';
import { hostPolicy } from './allowedHosts';

function machine(hostname = 'hearth-pi'): MachineView {
  return { hostname, interfaces: {} };
}

function policy(options: { bindHost?: string; configured?: string[]; hostname?: string } = {}) {
  return hostPolicy({
    bindHost: options.bindHost ?? '0.0.0.0',
    configured: options.configured,
    machine: machineAddresses({ read: () => machine(options.hostname) }),
  });
}

describe('hostPolicy', () => {
  it('accepts any IP literal and localhost on any port: a port forward keeps working', () => {
    const hosts = policy();
    for (const host of [
      '127.0.0.1:1234',
      '127.0.0.1',
      '192.168.1.20:8737',
      '10.0.0.7:80',
      '[::1]:9000',
      '[fe80::1]',
      '[2001:db8::5]:8737',
      'localhost:1',
      'LOCALHOST',
      'app.localhost:8737',
    ]) {
      expect(hosts.allows(host), host).toBe(true);
    }
  });

  it('refuses names it does not know: the DNS rebinding guard', () => {
    const hosts = policy();
    for (const host of [
      'evil.example:8737',
      'rebind.127.0.0.1.nip.io:8737',
      'hearth-pi', // only <hostname>.local is known
      'hearth-pi.local.evil.example',
      'notlocalhost',
      '127.1', // not an address as written: a name
      '',
      'a b',
      'user@127.0.0.1',
    ]) {
      expect(hosts.allows(host), host).toBe(false);
    }
    expect(hosts.allows(undefined)).toBe(false);
  });

  it('accepts <hostname>.local on any port, in any case, with a trailing dot', () => {
    const hosts = policy({ hostname: 'Hearth-Pi' });
    expect(hosts.allows('hearth-pi.local:8737')).toBe(true);
    expect(hosts.allows('HEARTH-PI.LOCAL')).toBe(true);
    expect(hosts.allows('hearth-pi.local.:1234')).toBe(true);
    expect(hosts.allows('other-pi.local:8737')).toBe(false);
  });

  it('accepts configured names, and every subdomain of a name given with a leading dot', () => {
    const hosts = policy({ configured: ['hearth.lan', '.home.arpa'] });
    expect(hosts.allows('hearth.lan:8737')).toBe(true);
    expect(hosts.allows('sub.hearth.lan:8737')).toBe(false);
    expect(hosts.allows('home.arpa')).toBe(true);
    expect(hosts.allows('kitchen.home.arpa:80')).toBe(true);
    expect(hosts.allows('evilhome.arpa')).toBe(false);
  });

  it('accepts the name Hearth was told to bind to', () => {
    expect(policy({ bindHost: 'hearth.lan' }).allows('hearth.lan:8737')).toBe(true);
    expect(policy({ bindHost: '0.0.0.0' }).allows('0.0.0.0.evil:8737')).toBe(false);
  });

  it('follows a new host name once the machine is read again', () => {
    let hostname = 'old-name';
    let time = 0;
    const hosts = hostPolicy({
      bindHost: '0.0.0.0',
      machine: machineAddresses({
        refreshMs: 5000,
        now: () => time,
        read: () => ({ hostname, interfaces: {} }),
      }),
    });
    expect(hosts.allows('old-name.local')).toBe(true);
    hostname = 'new-name';
    time = 1000;
    expect(hosts.allows('new-name.local')).toBe(false); // still the cached view
    time = 5000;
    expect(hosts.allows('new-name.local')).toBe(true);
    expect(hosts.allows('old-name.local')).toBe(false);
  });
});
