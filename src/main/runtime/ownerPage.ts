// Where the owner page link points: this machine's loopback address, so the
// link works in a browser on the machine itself or through `ssh -L`, even when
// Hearth listens on every address. Only a server bound to one specific
// non-loopback address cannot be reached on loopback: the link then uses that
// address, and says so.
import { isIP } from 'node:net';
import type { Subscription } from '../../shared/emitter';
import { isLoopbackHost } from '../config/config';
import { httpOrigin, isWildcardHost } from '../pairing/lanAddress';
import type { OwnerSecret } from '../pairing/ownerSecret';

export interface OwnerPageLink {
  url: string;
  /** Why the link is not on loopback, when it is not. */
  note?: string;
}

/**
 * The origin an owner page link uses, for a server bound to `address` (as the
 * server reports it); https when the server serves it.
 */
export function ownerPageOrigin(address: string, port: number, secure = false): OwnerPageLink {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackHost(bare)) {
    return { url: httpOrigin(isIP(bare) ? bare : '127.0.0.1', port, secure) };
  }
  if (isWildcardHost(bare)) return { url: httpOrigin('127.0.0.1', port, secure) };
  return {
    url: httpOrigin(bare, port, secure),
    note: `Hearth listens only on ${bare}, not on loopback, so the owner page is there`,
  };
}

/** The owner page link, and its note, as `npm run serve` prints it. */
export function ownerPageLink(
  owner: OwnerSecret,
  server: { address: string; port: number; url?: string },
): OwnerPageLink {
  const origin = ownerPageOrigin(
    server.address,
    server.port,
    server.url?.startsWith('https:') ?? false,
  );
  return { ...origin, url: owner.url(origin.url) };
}

/** "Owner page: URL", with the note in brackets when there is one. */
export function ownerPageLine(link: OwnerPageLink): string {
  return `Owner page: ${link.url}${link.note ? ` (${link.note})` : ''}`;
}

/**
 * Writes the "Owner page:" line now and again after each rotation, so the
 * newest such line in the output (or the journal) is the link that works.
 */
export function announceOwnerPage(
  owner: OwnerSecret,
  server: { address: string; port: number; url?: string },
  write: (line: string) => void,
): Subscription {
  const announce = (): void => write(`${ownerPageLine(ownerPageLink(owner, server))}\n`);
  announce();
  return owner.onRotate(announce);
}
