import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { httpOrigin, lanAddress, machineAddresses, type MachineView } from './lanAddress';

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/24`,
  };
}

function v6(address: string): NetworkInterfaceInfo {
  return {
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: `${address}/64`,
    scopeid: 0,
  };
}

const pi: MachineView = {
  hostname: 'hearth-pi',
  interfaces: {
    lo: [v4('127.0.0.1', true)],
    eth0: [v6('fe80::1'), v4('192.168.1.20')],
    wlan0: [v4('192.168.1.21')],
  },
};

describe('lanAddress', () => {
  it('uses the first external IPv4 address when bound to every interface, never 0.0.0.0', () => {
    expect(lanAddress('0.0.0.0', pi)).toEqual({ address: '192.168.1.20', reachable: true });
    expect(lanAddress('::', pi)).toEqual({ address: '192.168.1.20', reachable: true });
  });

  it('prefers a routable address to a link-local one', () => {
    const view = { ...pi, interfaces: { eth0: [v4('169.254.3.4')], wlan0: [v4('10.0.0.9')] } };
    expect(lanAddress('0.0.0.0', view).address).toBe('10.0.0.9');
    const onlyLinkLocal = { ...pi, interfaces: { eth0: [v4('169.254.3.4')] } };
    expect(lanAddress('0.0.0.0', onlyLinkLocal).address).toBe('169.254.3.4');
  });

  it('uses the bound address when it is a specific one', () => {
    expect(lanAddress('192.168.1.21', pi)).toEqual({ address: '192.168.1.21', reachable: true });
    expect(lanAddress('[fd00::7]', pi)).toEqual({ address: 'fd00::7', reachable: true });
  });

  it('says phones cannot reach a loopback server, and gives the loopback URL', () => {
    expect(lanAddress('127.0.0.1', pi)).toEqual({ address: '127.0.0.1', reachable: false });
    expect(lanAddress('localhost', pi)).toEqual({ address: '127.0.0.1', reachable: false });
    expect(lanAddress('::1', pi)).toEqual({ address: '::1', reachable: false });
  });

  it('says unreachable when bound to every interface but no network is up yet', () => {
    const offline = { hostname: 'pi', interfaces: { lo: [v4('127.0.0.1', true)] } };
    expect(lanAddress('0.0.0.0', offline)).toEqual({ address: '127.0.0.1', reachable: false });
  });
});

describe('httpOrigin', () => {
  it('brackets IPv6 addresses', () => {
    expect(httpOrigin('192.168.1.20', 8737)).toBe('http://192.168.1.20:8737');
    expect(httpOrigin('fd00::7', 80)).toBe('http://[fd00::7]:80');
  });
});

describe('machineAddresses', () => {
  it('reads the interfaces again after refreshMs, and not more often', () => {
    let time = 0;
    let reads = 0;
    let address = '192.168.1.20';
    const machine = machineAddresses({
      refreshMs: 5000,
      now: () => time,
      read: () => {
        reads++;
        return { hostname: 'pi', interfaces: { eth0: [v4(address)] } };
      },
    });
    expect(lanAddress('0.0.0.0', machine.current()).address).toBe('192.168.1.20');
    address = '192.168.1.99'; // a new DHCP lease
    for (time = 0; time < 5000; time += 100) machine.current();
    expect(reads).toBe(1);
    time = 5000;
    expect(lanAddress('0.0.0.0', machine.current()).address).toBe('192.168.1.99');
    expect(reads).toBe(2);
  });
});
