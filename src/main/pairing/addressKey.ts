// The key a remote address is counted under by per-address limits. One device
// can hold many IPv6 addresses at once (privacy extensions hand out a fresh
// one whenever asked), all in one /64, so IPv6 is counted per /64. An IPv4
// address that arrives IPv4-mapped (::ffff:192.168.1.20, as a dual-stack
// server sees it) counts as the plain IPv4 address.
import { isIPv4, isIPv6 } from 'node:net';

export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const withoutZone = address.split('%')[0] ?? address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(withoutZone);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(withoutZone)) return withoutZone;
  if (isIPv6(withoutZone)) return `${ipv6Groups(withoutZone).slice(0, 4).join(':')}::/64`;
  return withoutZone.slice(0, 64);
}

/** The eight 16-bit groups of a valid IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const toGroups = (part: string): string[] => (part ? part.split(':') : []);
  const [head = '', tail] = address.split('::');
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  // An embedded IPv4 address at the end fills two groups.
  const last = right.at(-1) ?? left.at(-1) ?? '';
  const width = left.length + right.length + (last.includes('.') ? 1 : 0);
  const zeros = tail === undefined ? [] : Array<string>(8 - width).fill('0');
  return [...left, ...zeros, ...right].map((group) =>
    group.includes('.') ? group : parseInt(group, 16).toString(16),
  );
}
