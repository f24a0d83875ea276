// Which Host headers the server answers, after Vite's allowedHosts. DNS
// rebinding (a hostile page whose name is made to resolve to this machine)
// needs a host name, so an IP-literal Host and localhost are accepted whatever
// their port: that keeps Hearth usable behind a router's port mapping or a
// container's -p 80:8737. A name must be a known one: <hostname>.local (read
// again as the machine changes), the name Hearth binds to, or one set in the
// config, where a leading dot allows the name and all its subdomains.
import { isIP } from 'node:net';
import { isWildcardHost, type MachineAddresses } from '../pairing/lanAddress';
import { parseHostHeader } from './originCheck';

export interface HostPolicy {
  allows(hostHeader: string | undefined): boolean;
}

export interface HostPolicyOptions {
  /** HEARTH_HOST: allowed too when it is a name. */
  bindHost: string;
  /** HEARTH_ALLOWED_HOSTS. */
  configured?: readonly string[];
  machine: MachineAddresses;
}

/** The lower-cased name of a Host header without port, brackets or a trailing dot. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const parsed = parseHostHeader(hostHeader);
  return parsed?.name.replace(/\.$/, '');
}

/** True for names no DNS answer can point elsewhere: IP literals and localhost. */
export function isAddressOrLocalhost(name: string): boolean {
  return isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost');
}

function matches(name: string, pattern: string): boolean {
  if (!pattern.startsWith('.')) return name === pattern;
  return name === pattern.slice(1) || name.endsWith(pattern);
}

export function hostPolicy(options: HostPolicyOptions): HostPolicy {
  const patterns = (options.configured ?? []).map((name) => name.toLowerCase());
  const bound = options.bindHost.toLowerCase();
  if (isIP(bound) === 0 && !isWildcardHost(bound)) patterns.push(bound);
  return {
    allows(hostHeader) {
      const name = hostName(hostHeader);
      if (name === undefined || name === '') return false;
      if (isAddressOrLocalhost(name)) return true;
      if (name === `${options.machine.current().hostname.toLowerCase()}.local`) return true;
      return patterns.some((pattern) => matches(name, pattern));
    },
  };
}
