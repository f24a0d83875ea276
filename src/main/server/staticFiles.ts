// The built UI as static files. The client build puts a .br and a .gz next to
// each text file; they are sent when the browser accepts them (over plain HTTP
// to a LAN address Chromium offers only gzip), so the phone's first load stays
// small. Vite names files under /assets by their content hash, so those are
// cached for good; index.html must be checked each time to pick up a new build.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A hashed asset: under /assets/ and with an extension (so never the SPA fallback). */
export function isHashedAsset(pathname: string): boolean {
  return pathname.startsWith('/assets/') && /\.[A-Za-z0-9]+$/.test(pathname);
}

/** Serves staticDir, or undefined when the UI is not built. */
export function staticFiles(staticDir: string): StaticHandler | undefined {
  if (!existsSync(staticDir)) return undefined;
  return sirv(staticDir, {
    single: true, // client-side routes fall back to index.html
    etag: true,
    dotfiles: false,
    brotli: true,
    gzip: true,
    setHeaders: (res, pathname) => {
      res.setHeader('Cache-Control', isHashedAsset(pathname) ? IMMUTABLE : 'no-cache');
    },
  });
}
