// Where phones on the Wi-Fi can reach this machine. DHCP may hand the Pi a new
// address at any time (and the host name can change), so both are read again
// when asked, but at most every few seconds: a request path must not list the
// network interfaces each time.
import { isIP } from 'node:net';
import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isLoopbackHost } from '../config/config';

export interface MachineView {
  hostname: string;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export interface MachineAddresses {
  /** The machine's host name and interfaces, at most `refreshMs` old. */
  current(): MachineView;
}

export const MACHINE_REFRESH_MS = 5000;

export function machineAddresses(
  options: {
    refreshMs?: number;
    now?: () => number;
    read?: () => MachineView;
  } = {},
): MachineAddresses {
  const refreshMs = options.refreshMs ?? MACHINE_REFRESH_MS;
  const now = options.now ?? Date.now;
  const read =
    options.read ?? (() => ({ hostname: osHostname(), interfaces: networkInterfaces() }));
  let cached: MachineView | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  return {
    current() {
      const time = now();
      if (!cached || time - readAt >= refreshMs) {
        cached = read();
        readAt = time;
      }
      return cached;
    },
  };
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0']);

export function isWildcardHost(host: string): boolean {
  return WILDCARDS.has(host.toLowerCase());
}

export interface LanAddress {
  /** An address or name a URL can carry (IPv6 without brackets). */
  address: string;
  /** False when only this machine can reach it (loopback, or no network yet). */
  reachable: boolean;
}

/**
 * The address for pairing URLs: the bound address when it is a specific one;
 * for a wildcard bind, the first external IPv4 address (one that is not
 * link-local, if there is such); never the wildcard itself.
 */
export function lanAddress(bindHost: string, machine: MachineView): LanAddress {
  if (isLoopbackHost(bindHost)) return { address: loopbackFor(bindHost), reachable: false };
  if (!isWildcardHost(bindHost)) {
    return { address: bindHost.replace(/^\[(.*)\]$/, '$1'), reachable: true };
  }
  const external = Object.values(machine.interfaces)
    .flatMap((list) => list ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal);
  const chosen = external.find((entry) => !entry.address.startsWith('169.254.')) ?? external.at(0);
  return chosen
    ? { address: chosen.address, reachable: true }
    : { address: '127.0.0.1', reachable: false };
}

function loopbackFor(bindHost: string): string {
  const bare = bindHost.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) ? bare : '127.0.0.1';
}

/** http://host:port (https:// when `secure`), with IPv6 addresses in brackets. */
export function httpOrigin(address: string, port: number, secure = false): string {
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return `${secure ? 'https' : 'http'}://${host}:${port}`;
}
