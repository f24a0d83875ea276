// A real owner secret for server tests, in a data directory of the test's, and
// the Cookie header a browser holds once it has opened the owner page: what
// the tests that act as the owner over HTTP or WebSocket present.
import { createMemoryLogger } from './loggers';
import { OWNER_COOKIE } from '../main/pairing/ownerCookie';
import { OwnerSecret } from '../main/pairing/ownerSecret';

export interface TestOwner {
  owner: OwnerSecret;
  /** `hearth_owner=<token>`, for a Cookie header. */
  cookie: string;
  /** The Cookie header as request options take it. */
  headers: { Cookie: string };
}

/** The cookie an owner browser holds for this secret now (a rotation makes it stale). */
export function ownerCookieOf(owner: OwnerSecret): string {
  const proof = owner.prove(owner.secret, '127.0.0.1');
  if (!proof.ok) throw new Error(`the owner secret was refused: ${proof.reason}`);
  return `${OWNER_COOKIE}=${proof.token}`;
}

/** Opens (or makes) the owner secret of dataDir; dispose `owner` after the test. */
export async function openTestOwner(dataDir: string): Promise<TestOwner> {
  const owner = await OwnerSecret.open({ dataDir, logger: createMemoryLogger() });
  const cookie = ownerCookieOf(owner);
  return { owner, cookie, headers: { Cookie: cookie } };
}
