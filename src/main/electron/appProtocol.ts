// The kiosk page comes from app://hearth/, a scheme of our own, rather than
// file://. A file:// page has no origin to check senders against, reaches the
// whole disk, and never sees response headers, so its CSP could only ever be
// the <meta> one. Here every response carries the CSP header, and only files
// inside the built renderer folder are served. The request -> file decision is
// a plain function; createAppProtocolHandler adds the file reads. Neither
// imports Electron: index.ts hands the handler to protocol.handle.
import { readFile, realpath } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hearth';
/** The page the kiosk window loads. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The scheme's privileges (protocol.registerSchemesAsPrivileged, before ready).
 * standard: relative URLs resolve and the page has a real origin, app://hearth,
 * for 'self' and the sender check. secure: a secure context like https, which
 * getUserMedia (the microphone) demands. Registered once: a second call replaces the first.
 * corsEnabled: Vite's module scripts load in CORS mode, which a scheme must allow
 * even for same-origin loads. Never bypassCSP: the point is that the CSP applies.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    corsEnabled: true,
    codeCache: true,
  },
} as const;

/** The kinds of file a Vite build of the UI holds. Anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}

export type AppRequestDecision = { path: string; contentType: string } | { status: 404 };

const NOT_FOUND = { status: 404 } as const;

/**
 * Characters a built file's path may hold once decoded: Vite names its files
 * [name]-[hash].[ext]. Refusing the rest (%, \, NUL, control characters, ':')
 * turns double encoding, Windows separators and NUL tricks into a plain 404.
 */
const SAFE_PATH = /^\/[A-Za-z0-9._~@+/-]*$/;

/**
 * Which file of rendererDir answers a request for `url`, or 404. The URL must be
 * app://hearth/<path> with nothing else in its authority; the path is decoded
 * once, must hold only safe characters and no "." or ".." segment, and must
 * land inside rendererDir after normalising. "/" is the page itself. The query
 * and fragment do not matter.
 */
export function resolveAppRequest(url: string, rendererDir: string): AppRequestDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return NOT_FOUND;
  }
  // Chromium lower-cases a standard scheme's host; a port is never ours.
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST) {
    return NOT_FOUND;
  }
  if (parsed.username !== '' || parsed.password !== '') return NOT_FOUND;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return NOT_FOUND; // malformed escapes such as %E0%A4%A
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (!SAFE_PATH.test(pathname)) return NOT_FOUND;
  const segments = pathname.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return NOT_FOUND;
  }
  const root = resolve(rendererDir);
  const path = resolve(root, ...segments);
  if (!path.startsWith(root + sep)) return NOT_FOUND;
  const contentType = contentTypeOf(path);
  if (!contentType) return NOT_FOUND;
  return { path, contentType };
}

/** The headers every app:// response carries, found or not. */
export function appResponseHeaders(csp: string, contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Vite names each asset by its content, and the page is small: always read afresh.
    'Cache-Control': 'no-cache',
  };
}

export interface AppProtocolOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The Content-Security-Policy every response carries. */
  csp: string;
}

/** The part of a fetch Request the handler reads. */
export interface AppRequest {
  url: string;
  method: string;
}

function errorResponse(csp: string, status: 404 | 405): Response {
  const text = status === 404 ? 'Not found' : 'Method not allowed';
  const headers = appResponseHeaders(csp, 'text/plain; charset=utf-8');
  if (status === 405) headers.Allow = 'GET, HEAD';
  return new Response(text, { status, headers });
}

/** True when `path` is `root` or below it. */
function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/**
 * The protocol.handle handler: reads the decided file and answers with it, or
 * with 404 / 405; every answer carries the CSP. A symbolic link inside the
 * folder that points out of it is refused too.
 */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: AppRequest) => Promise<Response> {
  const { rendererDir, csp } = options;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(csp, 405);
    const decision = resolveAppRequest(request.url, rendererDir);
    if ('status' in decision) return errorResponse(csp, 404);
    let body: Buffer;
    try {
      const [realRoot, realFile] = await Promise.all([
        realpath(rendererDir),
        realpath(decision.path),
      ]);
      if (!within(realFile, realRoot)) return errorResponse(csp, 404);
      body = await readFile(realFile);
    } catch {
      // Missing, a directory, unreadable: the page sees a 404 either way.
      return errorResponse(csp, 404);
    }
    const headers = appResponseHeaders(csp, decision.contentType);
    if (request.method === 'HEAD') {
      return new Response(null, {
        status: 200,
        headers: { ...headers, 'Content-Length': String(body.length) },
      });
    }
    return new Response(new Uint8Array(body), { status: 200, headers });
  };
}
