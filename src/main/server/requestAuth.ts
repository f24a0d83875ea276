// Who is asking. The address a request comes from proves nothing: another user
// or service on this machine, or an `ssh -L` forward, arrives from loopback
// too. So the owner is a browser that proved the owner secret: it presents the
// cookie the owner page gave it, sent to a Host no DNS answer can redirect (an
// IP literal or localhost) and not relayed by a proxy. (The kiosk's own window
// is the owner through IPC, not through here.) A paired phone is a device: it
// presents the cookie it got when it paired. Everyone else, on loopback or not,
// is unpaired: they get the page that says how to pair, and no API.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../config/config';
import { readDeviceToken } from '../pairing/deviceCookie';
import { readOwnerToken } from '../pairing/ownerCookie';
import type { Principal } from '../clients/principal';
import { hostName, isAddressOrLocalhost, type HostPolicy } from './allowedHosts';
import { isSameOrigin } from './originCheck';

export type { Principal };

/** What the decision looks at, taken from one request. */
export interface Caller {
  remoteAddress: string | undefined;
  host: string | undefined;
  /** The request names a proxy hop (Forwarded, X-Forwarded-For, X-Real-IP). */
  relayed: boolean;
  deviceToken: string | undefined;
  ownerToken: string | undefined;
}

export interface Identity {
  /** Whether a token is the owner's: made from the current owner secret. */
  isOwnerToken(token: string | undefined): boolean;
  /** The paired device a token belongs to. */
  authenticate(token: string | undefined): { id: string; name: string } | undefined;
  /**
   * Which remote addresses are this machine (loopback by default): they may
   * read the whole health report, nothing more. Tests stand in a phone here.
   */
  isLocalAddress(remoteAddress: string | undefined): boolean;
}

export type UpgradeVerdict =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403 | 421; reason: string };

/** A remote address on this machine: 127.0.0.0/8, ::1 or IPv4-mapped 127.x. */
export function isLoopbackAddress(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && isIP(remoteAddress) !== 0 && isLoopbackHost(remoteAddress);
}

/**
 * Whether an owner cookie may count on this request at all: not through a
 * proxy, and to a Host a rebinding page cannot borrow.
 */
export function canBeOwner(caller: Pick<Caller, 'host' | 'relayed'>): boolean {
  const name = hostName(caller.host);
  return !caller.relayed && name !== undefined && isAddressOrLocalhost(name);
}

/** The owner, a paired device, or undefined for someone unpaired. */
export function identify(caller: Caller, identity: Identity): Principal | undefined {
  if (canBeOwner(caller) && identity.isOwnerToken(caller.ownerToken)) return { role: 'owner' };
  const device = identity.authenticate(caller.deviceToken);
  return device && { role: 'device', deviceId: device.id, deviceName: device.name };
}

export function callerOf(req: IncomingMessage): Caller {
  const { headers } = req;
  return {
    remoteAddress: req.socket.remoteAddress,
    host: headers.host,
    relayed:
      headers.forwarded !== undefined ||
      headers['x-forwarded-for'] !== undefined ||
      headers['x-real-ip'] !== undefined,
    deviceToken: readDeviceToken(headers.cookie),
    ownerToken: readOwnerToken(headers.cookie),
  };
}

export interface RequestAuth {
  hostAllowed(req: IncomingMessage): boolean;
  principalOf(req: IncomingMessage): Principal | undefined;
  /** A request from this machine itself, direct and to an IP or localhost Host. */
  isLocal(req: IncomingMessage): boolean;
  /** Who may open the WebSocket: a known Host (421), the page's own Origin (403), paired or owner (401). */
  authorizeUpgrade(req: IncomingMessage): UpgradeVerdict;
}

export function requestAuth(hosts: HostPolicy, identity: Identity): RequestAuth {
  const principalOf = (req: IncomingMessage) => identify(callerOf(req), identity);
  return {
    hostAllowed: (req) => hosts.allows(req.headers.host),
    principalOf,
    isLocal(req) {
      const caller = callerOf(req);
      return identity.isLocalAddress(caller.remoteAddress) && canBeOwner(caller);
    },
    authorizeUpgrade(req) {
      if (!hosts.allows(req.headers.host)) {
        return { ok: false, status: 421, reason: 'Misdirected Request' };
      }
      if (!isSameOrigin(req.headers.origin, req.headers.host)) {
        return { ok: false, status: 403, reason: 'Forbidden' };
      }
      const principal = principalOf(req);
      if (!principal) return { ok: false, status: 401, reason: 'Unauthorized' };
      return { ok: true, principal };
    },
  };
}
