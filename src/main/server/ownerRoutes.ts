// GET /owner?secret=...: the owner page link `npm run serve` prints. The right
// secret becomes an owner cookie (HttpOnly, SameSite=Strict, a token derived
// from the secret, never the secret), then a 303 to / takes the secret out of
// the address bar and the history. The link works as often as it is opened,
// until the secret is rotated. Wrong or missing secrets get a 403 page and
// count against the address, as wrong pairing codes do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../base/log';
import { ownerCookie } from '../pairing/ownerCookie';
import type { OwnerSecret } from '../pairing/ownerSecret';
import { callerOf, canBeOwner, type Principal } from './requestAuth';
import { isHttps, queryParam, redirectHome } from './responses';
import { sendPage, waitSentence, type Page } from './unpairedPage';

const WHERE_THE_LINK_IS =
  'On the machine running Hearth, the current link is the "Owner page:" line Hearth printed at start-up (and after each sign-out), or build it from the secret in the owner-secret file of its data folder.';

export const ownerSecretRefusedPage: Page = {
  status: 403,
  title: 'This owner page link does not work',
  paragraphs: [
    'Its secret is missing or wrong, or it was replaced when owner browsers were signed out.',
    WHERE_THE_LINK_IS,
  ],
};

export const ownerAddressRefusedPage: Page = {
  status: 403,
  title: 'Open the owner page by its IP address',
  paragraphs: [
    'The owner page works only at an IP address or localhost, as Hearth printed it, and not through a proxy.',
    WHERE_THE_LINK_IS,
  ],
};

export const ownerPageOffPage: Page = {
  status: 404,
  title: 'There is no owner page here',
  paragraphs: ['This Hearth is looked after from its own screen.'],
};

function ownerLockedOutPage(retryAfterMs: number): Page {
  return {
    status: 429,
    title: 'Too many wrong owner page links',
    paragraphs: [waitSentence(retryAfterMs), WHERE_THE_LINK_IS],
  };
}

export function handleOwnerPage(
  req: IncomingMessage,
  res: ServerResponse,
  context: { owner: OwnerSecret | undefined; principal: Principal | undefined; logger: Logger },
): void {
  const { owner, principal, logger } = context;
  if (!owner) return sendPage(res, ownerPageOffPage);
  if (principal?.role === 'owner') return redirectHome(res);
  const caller = callerOf(req);
  if (!canBeOwner(caller)) {
    // The cookie would not count on this request, so the secret is not even looked at.
    logger.warn('owner_refused', {
      remoteAddress: caller.remoteAddress,
      reason: caller.relayed ? 'relayed' : 'host_name',
      host: caller.host,
    });
    return sendPage(res, ownerAddressRefusedPage);
  }
  // A HEAD (a link preview) gets the page a GET would, without the cookie.
  const proof = owner.prove(queryParam(req, 'secret'), caller.remoteAddress);
  if (proof.ok)
    return redirectHome(
      res,
      req.method === 'GET' ? ownerCookie(proof.token, { secure: isHttps(req) }) : undefined,
    );
  if (proof.reason === 'locked') {
    return sendPage(res, ownerLockedOutPage(proof.retryAfterMs), {
      'Retry-After': Math.ceil(proof.retryAfterMs / 1000),
    });
  }
  return sendPage(res, ownerSecretRefusedPage);
}
