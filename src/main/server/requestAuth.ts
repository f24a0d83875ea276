// Who is asking. The owner is this machine itself: a request from a loopback
// address, sent to a Host no DNS answer can redirect (an IP literal or
// localhost), and not relayed by a proxy on this machine. A paired phone is a
// device: it presents the cookie it got when it paired. Everyone else is
// unpaired: they get the page that says how to pair, and no API.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../config/config';
import { readDeviceToken } from '../pairing/deviceCookie';
import type { Principal } from '../rpc/principal';
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
}

export interface Identity {
  /** Loopback by default; tests stand in a phone's address through this. */
  isTrustedAddress(remoteAddress: string | undefined): boolean;
  /** The paired device a token belongs to. */
  authenticate(token: string | undefined): { id: string; name: string } | undefined;
}

export type UpgradeVerdict =
  { ok: true; principal: Principal } | { ok: false; status: 401 | 403 | 421; reason: string };

/** A remote address on this machine: 127.0.0.0/8, ::1 or IPv4-mapped 127.x. */
export function isLoopbackAddress(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && isIP(remoteAddress) !== 0 && isLoopbackHost(remoteAddress);
}

/** The owner, a paired device, or undefined for someone unpaired. */
export function identify(caller: Caller, identity: Identity): Principal | undefined {
  const name = hostName(caller.host);
  if (
    identity.isTrustedAddress(caller.remoteAddress) &&
    !caller.relayed &&
    name !== undefined &&
    isAddressOrLocalhost(name)
  ) {
    return { role: 'owner' };
  }
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
  };
}

export interface RequestAuth {
  hostAllowed(req: IncomingMessage): boolean;
  principalOf(req: IncomingMessage): Principal | undefined;
  /** Who may open the WebSocket: a known Host (421), the page's own Origin (403), paired or owner (401). */
  authorizeUpgrade(req: IncomingMessage): UpgradeVerdict;
}

export function requestAuth(hosts: HostPolicy, identity: Identity): RequestAuth {
  const principalOf = (req: IncomingMessage) => identify(callerOf(req), identity);
  return {
    hostAllowed: (req) => hosts.allows(req.headers.host),
    principalOf,
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
