// fetch for everything a model download asks the network: the hub's API and
// the file's bytes. Redirects are followed here, one hop at a time, so every
// hop is held to the same address rule as the first (source.ts), and a failed
// connection becomes the same sentence whichever request it was.
import { TransferFailure } from './downloadError';
import { refusalFor } from './source';

const MAX_REDIRECTS = 5;
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** fetch, following redirects itself; refuses a hop the address rule does not allow. */
export async function fetchAllowed(
  url: string,
  init: RequestInit & { signal: AbortSignal },
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const refusal = refusalFor(current);
    if (refusal) {
      throw new TransferFailure({
        kind: 'refused',
        reason: hop === 0 ? refusal : `it redirected to a refused address: ${refusal}`,
      });
    }
    const response = await fetchImpl(current, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    current = new URL(location, current).href;
  }
  throw new TransferFailure({ kind: 'refused', reason: 'the server redirected too many times' });
}

/** The failure for a request that got no answer: a certificate problem, or no connection. */
export function connectionFailure(error: unknown, url: string): TransferFailure {
  const host = new URL(url).host;
  const code = errorCode(error);
  if (code && CERTIFICATE_CODES.test(code)) {
    return new TransferFailure({ kind: 'certificate', host });
  }
  return new TransferFailure({ kind: 'unreachable', host });
}

export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A request's own abort, which the caller's signal also triggers (as a cancel). */
export interface RequestAbort {
  signal: AbortSignal;
  /** Aborts the request once, with the failure it will report. */
  stop(failure: TransferFailure): void;
  /** Stops following the caller's signal; call when the request is over. */
  unlink(): void;
}

/** Throws a cancel at once when the caller has already given up. */
export function requestAbort(callerSignal: AbortSignal | undefined): RequestAbort {
  if (callerSignal?.aborted) throw new TransferFailure({ kind: 'cancelled' });
  const controller = new AbortController();
  const stop = (failure: TransferFailure): void => {
    if (!controller.signal.aborted) controller.abort(failure);
  };
  const onCallerAbort = (): void => stop(new TransferFailure({ kind: 'cancelled' }));
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    stop,
    unlink: () => callerSignal?.removeEventListener('abort', onCallerAbort),
  };
}
