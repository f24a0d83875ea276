// Reading Host headers, and which Origin may open the WebSocket: checking Origin
// on the upgrade stops other sites' pages from opening the API in a visitor's
// browser (cross-site WebSocket hijacking). Which Host names are accepted is
// allowedHosts.ts.

/** Lower-cased host name without IPv6 brackets. */
function bareName(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** Splits a Host header value ("name:port", "[v6]:port") into its parts. */
export function parseHostHeader(value: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  return { name: bareName(match[1] as string), port };
}

/**
 * True when a WebSocket upgrade may proceed. Browsers always send Origin; a
 * request without one comes from a non-browser client (a script, the bench),
 * which cross-site hijacking cannot use, so it is let through. An Origin must be
 * http(s) and name exactly the host the request was sent to.
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file: pages
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const originHost = parseHostHeader(url.host);
  const requestHost = parseHostHeader(hostHeader);
  if (!originHost || !requestHost) return false;
  return (
    originHost.name === requestHost.name &&
    String(originHost.port ?? defaultPort) === String(requestHost.port ?? defaultPort)
  );
}
