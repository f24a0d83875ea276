// GET /pair?code=...: the URL in the kiosk's QR code. A good code becomes a
// device token in an HttpOnly, SameSite=Strict cookie, then a 303 to / takes
// the code out of the address bar (and out of the history a phone syncs). A
// browser that is already paired keeps its pairing and leaves the code unused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../base/log';
import { deviceCookie } from '../pairing/deviceCookie';
import type { Pairing } from '../pairing/pairing';
import type { Principal } from './requestAuth';
import { isHttps, queryParam, redirectHome } from './responses';
import {
  codeRefusedPage,
  lockedOutPage,
  pairingFailedPage,
  pairingOffPage,
  sendPage,
} from './unpairedPage';

export async function handlePair(
  req: IncomingMessage,
  res: ServerResponse,
  context: { pairing: Pairing | undefined; principal: Principal | undefined; logger: Logger },
): Promise<void> {
  const { pairing, principal, logger } = context;
  if (!pairing) return sendPage(res, pairingOffPage);
  if (principal?.role === 'device') return redirectHome(res);
  if (req.method !== 'GET') return sendPage(res, codeRefusedPage);
  let outcome: Awaited<ReturnType<Pairing['redeem']>>;
  try {
    outcome = await pairing.redeem(queryParam(req, 'code'), {
      remoteAddress: req.socket.remoteAddress,
      userAgent: req.headers['user-agent'],
    });
  } catch (error) {
    logger.error('pairing_failed', { error: String(error) });
    return sendPage(res, pairingFailedPage);
  }
  if (outcome.ok) return redirectHome(res, deviceCookie(outcome.token, { secure: isHttps(req) }));
  if (outcome.reason === 'locked') {
    return sendPage(res, lockedOutPage(outcome.retryAfterMs), {
      'Retry-After': Math.ceil(outcome.retryAfterMs / 1000),
    });
  }
  return sendPage(res, outcome.reason === 'disabled' ? pairingOffPage : codeRefusedPage);
}
