// The headless server: the built UI as static files, GET /healthz, and the API
// over WebSocket at /ws. Binds where the config says (loopback by default).
import { existsSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import type { HearthApi, HealthReport } from '../rpc/hearthApi';
import type { Logger } from '../base/log';
import { allowedHostNames, isAllowedHost, isSameOrigin } from './originCheck';
import { httpSecurityHeaders } from './securityHeaders';
import { WsApi } from './wsApi';
import { wsLimits, type WsLimits } from './wsLimits';

/** WebSocket limits not given here are DEFAULT_WS_LIMITS. */
export interface HearthServerOptions extends Partial<WsLimits> {
  hearth: HearthApi;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
}

export interface HearthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const WS_PATH = '/ws';

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** True when a request path tries to step out of the static folder, however it is spelled. */
export function isTraversal(pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return true; // malformed escapes: refuse rather than guess
  }
  return decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..');
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function formatUrl(host: string, port: number): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export async function startHearthServer(options: HearthServerOptions): Promise<HearthServer> {
  const { hearth, logger, staticDir, host } = options;
  let port = options.port;
  const allowed = allowedHostNames(host);

  const staticFiles = existsSync(staticDir)
    ? sirv(staticDir, {
        single: true, // client-side routes fall back to index.html
        etag: true,
        dotfiles: false,
        setHeaders: (res, pathname) => {
          // Vite puts content-hashed files under /assets; index.html must be revalidated.
          res.setHeader(
            'Cache-Control',
            pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      })
    : null;
  if (!staticFiles) logger.warn('static_dir_missing', { staticDir });

  const ws = new WsApi({ hearth, logger, ...wsLimits(options) });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(httpSecurityHeaders)) res.setHeader(name, value);
    if (!isAllowedHost(req.headers.host, allowed, port)) {
      logger.warn('http_rejected_host', { host: req.headers.host, url: req.url });
      return sendText(res, 421, 'Misdirected request: unknown host name');
    }
    const pathname = pathOf(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    }
    if (pathname === '/healthz') {
      let report: HealthReport;
      try {
        report = hearth.health();
      } catch (error) {
        logger.error('health_failed', { error: (error as Error).message });
        return sendText(res, 500, 'health report failed');
      }
      const body = JSON.stringify(report);
      res.writeHead(report.status === 'error' ? 503 : 200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (pathname === WS_PATH)
      return sendText(res, 426, 'Upgrade required', { Upgrade: 'websocket' });
    if (isTraversal(pathname)) return sendText(res, 400, 'Bad request');
    if (!staticFiles) return sendText(res, 503, 'The UI is not built; run npm run build');
    staticFiles(req, res, () => sendText(res, 404, 'Not found'));
  };

  const server = createServer(onRequest);
  server.on('clientError', (error, socket) => {
    logger.debug('http_client_error', { error: error.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAllowedHost(req.headers.host, allowed, port)) {
      logger.warn('ws_rejected', { reason: 'host', host: req.headers.host });
      return refuseUpgrade(socket, 421, 'Misdirected Request');
    }
    if (!isSameOrigin(req.headers.origin, req.headers.host)) {
      logger.warn('ws_rejected', {
        reason: 'origin',
        origin: req.headers.origin,
        host: req.headers.host,
      });
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    ws.wss.handleUpgrade(req, socket, head, (client) => ws.wss.emit('connection', client, req));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await ws.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  const url = formatUrl(host, port);
  logger.info('server_listening', { url, host, port, staticDir, ws: `${url}${WS_PATH}` });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        await ws.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        logger.info('server_closed', { url });
      })()),
  };
}
