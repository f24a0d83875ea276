// The headless server: the built UI as static files, GET /healthz, pairing at
// /pair, the owner page at /owner, and the API over WebSocket at /ws. Binds
// where the config says (loopback by default). Only a browser that proved the
// owner secret and paired devices get past the page that says how to pair,
// wherever they connect from: loopback is no one in particular.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../base/log';
import { isLoopbackHost } from '../config/config';
import { clearedDeviceCookie, readDeviceToken } from '../pairing/deviceCookie';
import { clearedOwnerCookie, readOwnerToken } from '../pairing/ownerCookie';
import { OWNER_PATH, type OwnerSecret } from '../pairing/ownerSecret';
import { machineAddresses, type MachineAddresses } from '../pairing/lanAddress';
import { PAIR_PATH, type Pairing } from '../pairing/pairing';
import { Redactor, redactingLogger } from '../pairing/redact';
import type { HearthApi } from '../clients/hearthApi';
import { hostPolicy } from './allowedHosts';
import { sendHealth } from './healthRoute';
import { handleOwnerPage } from './ownerRoutes';
import { handlePair } from './pairingRoutes';
import { isLoopbackAddress, requestAuth } from './requestAuth';
import { refuseUpgrade, sendText } from './responses';
import { httpSecurityHeaders } from './securityHeaders';
import { staticFiles } from './staticFiles';
import { tlsFront } from './tlsFront';
import { PAIRING_CSS_PATH, sendPage, sendPairingCss, unpairedPage } from './unpairedPage';
import type { WsApi } from './wsApi';

export interface HearthServerOptions {
  hearth: HearthApi;
  /**
   * The API over WebSocket, built by the composition root (which closes it):
   * the server hands it the sockets it let through.
   */
  ws: WsApi;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Pairs phones and tells devices apart; required beyond loopback. */
  pairing?: Pairing;
  /** Host names phones may use besides IP addresses, localhost and <hostname>.local. */
  allowedHosts?: readonly string[];
  /**
   * The owner secret: a browser that opened /owner with it holds the owner
   * cookie. Without one, no browser is the owner (the kiosk still is, over IPC).
   */
  owner?: OwnerSecret;
  /** Which remote addresses are this machine (loopback), for the whole health report; tests stand in a phone here. */
  isLocalAddress?: (remoteAddress: string | undefined) => boolean;
  /** The machine's host name and addresses (read again every few seconds by default). */
  machine?: MachineAddresses;
  /**
   * Serve over https with this key and certificate (PEM); plain http on the
   * same port is then redirected to it.
   */
  tls?: { key: string; cert: string };
}

export interface HearthServer {
  url: string;
  port: number;
  /** The address actually bound (the host as resolved: 0.0.0.0, ::, 127.0.0.1, a LAN address). */
  address: string;
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

function formatUrl(host: string, port: number, secure: boolean): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${secure ? 'https' : 'http'}://${name}:${port}`;
}

export async function startHearthServer(options: HearthServerOptions): Promise<HearthServer> {
  const { hearth, staticDir, host, pairing, owner } = options;
  if (!pairing && !isLoopbackHost(host)) {
    throw new Error(`listening on ${host} needs pairing; without it anyone on the network gets in`);
  }
  // Pairing codes and device tokens never reach a log line, request URLs included.
  const logger = redactingLogger(options.logger, pairing?.redactor ?? new Redactor());
  const auth = requestAuth(
    hostPolicy({
      bindHost: host,
      configured: options.allowedHosts,
      machine: options.machine ?? pairing?.machine ?? machineAddresses(),
    }),
    {
      isOwnerToken: (token) => owner?.isOwnerToken(token) ?? false,
      authenticate: (token) => pairing?.authenticate(token),
      isLocalAddress: options.isLocalAddress ?? isLoopbackAddress,
    },
  );
  const files = staticFiles(staticDir);
  if (!files) logger.warn('static_dir_missing', { staticDir });

  const { ws } = options;
  // A rotated secret signs owner browsers out: their sockets close at once.
  const ownersOut = owner?.onRotate(() => ws.closeOwners());

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(httpSecurityHeaders)) res.setHeader(name, value);
    if (!auth.hostAllowed(req)) {
      logger.warn('http_rejected_host', { host: req.headers.host, url: req.url });
      return sendText(res, 421, 'Misdirected request: unknown host name');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    }
    const pathname = pathOf(req);
    const principal = auth.principalOf(req);
    if (pathname === '/healthz') {
      return sendHealth(res, {
        health: () => hearth.health(),
        whole: principal !== undefined || auth.isLocal(req),
        logger,
      });
    }
    if (pathname === PAIRING_CSS_PATH) return sendPairingCss(res);
    if (pathname === OWNER_PATH) return handleOwnerPage(req, res, { owner, principal, logger });
    if (pathname === PAIR_PATH) {
      handlePair(req, res, { pairing, principal, logger }).catch((error: unknown) => {
        logger.error('pairing_failed', { error: String(error) });
        if (!res.headersSent) sendText(res, 500, 'Pairing failed');
      });
      return;
    }
    if (!principal) {
      // A cookie that no longer works (a forgotten device, a rotated owner
      // secret) is removed, so the browser starts afresh. A good owner cookie
      // that only did not count here (through a proxy) is left alone.
      const ownerToken = readOwnerToken(req.headers.cookie);
      const stale = [
        ...(readDeviceToken(req.headers.cookie) !== undefined ? [clearedDeviceCookie()] : []),
        ...(ownerToken !== undefined && !owner?.isOwnerToken(ownerToken)
          ? [clearedOwnerCookie()]
          : []),
      ];
      return sendPage(res, unpairedPage, stale.length > 0 ? { 'Set-Cookie': stale } : {});
    }
    if (pathname === WS_PATH)
      return sendText(res, 426, 'Upgrade required', { Upgrade: 'websocket' });
    if (isTraversal(pathname)) return sendText(res, 400, 'Bad request');
    if (!files) return sendText(res, 503, 'The UI is not built; run npm run build');
    files(req, res, () => sendText(res, 404, 'Not found'));
  };

  const onClientError = (error: Error, socket: Duplex): void => {
    logger.debug('http_client_error', { error: error.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  };
  const secure = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : undefined;
  const server = secure ?? createServer(onRequest);
  server.on('clientError', onClientError);
  // With TLS, plain http on the same port only points at https, for a known host name.
  const front = secure
    ? tlsFront(secure, plainRedirect({ logger, hostAllowed: (req) => auth.hostAllowed(req) }))
    : undefined;
  // A phone that refuses the certificate (the first time, until it is accepted) is no error of Hearth's.
  secure?.on('tlsClientError', (error) =>
    logger.debug('tls_client_error', { error: error.message }),
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const verdict = auth.authorizeUpgrade(req);
    if (!verdict.ok) {
      logger.warn('ws_rejected', {
        status: verdict.status,
        host: req.headers.host,
        origin: req.headers.origin,
        remoteAddress: req.socket.remoteAddress,
      });
      return refuseUpgrade(socket, verdict.status, verdict.reason);
    }
    const { principal } = verdict;
    ws.wss.handleUpgrade(req, socket, head, (client) => {
      ws.wss.emit('connection', client, req, principal);
    });
  });

  const listener: Server = front?.server ?? server;
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(options.port, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    ownersOut?.dispose();
    throw error;
  }
  const { port, address } = listener.address() as AddressInfo;
  const url = formatUrl(host, port, front !== undefined);
  pairing?.listening(port);
  logger.info('server_listening', { url, host, port, staticDir, ws: `${url}${WS_PATH}` });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    address,
    close: () =>
      (closing ??= (async () => {
        ownersOut?.dispose();
        // Its sockets go with the WebSocket API, which whoever built it closes.
        if (front) await front.close();
        else {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
        }
        logger.info('server_closed', { url });
      })()),
  };
}

/**
 * Plain http when Hearth serves https: a 308 to the same address over https
 * (a known host name only: a redirect must not point anywhere a Host header
 * says), and a WebSocket upgrade is refused (browsers do not follow redirects there).
 */
function plainRedirect(context: {
  logger: Logger;
  hostAllowed: (req: IncomingMessage) => boolean;
}): ReturnType<typeof createServer> {
  const plain = createServer((req, res) => {
    for (const [name, value] of Object.entries(httpSecurityHeaders)) res.setHeader(name, value);
    if (!context.hostAllowed(req) || !req.headers.host) {
      context.logger.warn('http_rejected_host', { host: req.headers.host, url: req.url });
      return sendText(res, 421, 'Misdirected request: unknown host name');
    }
    // Only a path: an absolute-form request target must not steer the redirect elsewhere.
    const path = req.url?.startsWith('/') ? req.url : '/';
    res.writeHead(308, { Location: `https://${req.headers.host}${path}` });
    res.end();
  });
  plain.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  plain.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseUpgrade(socket, 403, 'Forbidden: Hearth serves wss only');
  });
  return plain;
}
