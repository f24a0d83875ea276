// A loopback HTTP server that serves one model file the way a hub does
// (Range, Content-Range, a strong ETag) and can misbehave on purpose: drop the
// connection midway, go away for good, stall, or redirect. Given an `api`, it
// also answers the hub's API paths (/api/...) the way fakeHub.ts describes.
// Test-only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

// ../shared beside the repository holds the test models (never copied in).
export const FIXTURE_MODEL_PATH = fileURLToPath(
  new URL('../../../../shared/models/stories260K.gguf', import.meta.url),
);
export const FIXTURE_SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';

export interface ServedRequest {
  method: string;
  path: string;
  range: string | null;
  ifRange: string | null;
}

export interface Behaviour {
  /** What is served; default the fixture model. */
  body: Buffer;
  /** Bytes per write; the server pauses tickMs between writes so a download takes a while. */
  chunkBytes: number;
  tickMs: number;
  /** Once this many body bytes went out in one response, drop the connection (once). */
  dropAfterBytes: number | null;
  /** Once this many body bytes went out, drop the connection and stop listening. */
  goneAfterBytes: number | null;
  /** Once this many body bytes went out, send nothing more but keep the connection. */
  stallAfterBytes: number | null;
  /** Answer every request with this status and no body. */
  status: number | null;
  /** Answer with a redirect to this address. */
  redirectTo: string | null;
  /** Ignore Range and always send the whole file with 200. */
  ignoreRange: boolean;
  /** Answers requests for /api/... paths; null serves them the body like any other path. */
  api: ApiHandler | null;
}

export interface ApiRequest {
  method: string;
  /** Path and query, as requested. */
  path: string;
  /** The request body as text ('' for a GET). */
  body: string;
}

export interface ApiAnswer {
  status: number;
  /** Sent as it is when a string, else as JSON. */
  body: unknown;
  headers?: Record<string, string>;
}

/** An answer, or 'hang' to keep the request open without answering until the server closes. */
export type ApiHandler = (request: ApiRequest) => ApiAnswer | 'hang';

export interface ModelServer {
  readonly origin: string;
  readonly port: number;
  /** Every request seen, in order. */
  readonly requests: ServedRequest[];
  /** Bytes of body sent so far, over all responses. */
  readonly bytesSent: number;
  url(path?: string): string;
  set(patch: Partial<Behaviour>): void;
  close(): Promise<void>;
}

export function fixtureBytes(): Buffer {
  return readFileSync(FIXTURE_MODEL_PATH);
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function startModelServer(initial: Partial<Behaviour> = {}): Promise<ModelServer> {
  const behaviour: Behaviour = {
    body: fixtureBytes(),
    chunkBytes: 64 * 1024,
    tickMs: 2,
    dropAfterBytes: null,
    goneAfterBytes: null,
    stallAfterBytes: null,
    status: null,
    redirectTo: null,
    ignoreRange: false,
    api: null,
    ...initial,
  };
  const requests: ServedRequest[] = [];
  let bytesSent = 0;
  let closing: Promise<void> | undefined;
  const closed = { value: false };

  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      range: header(req, 'range'),
      ifRange: header(req, 'if-range'),
    });
    void respond(req, res).catch(() => res.destroy());
  });

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api = behaviour.api;
    if (api && (req.url ?? '').startsWith('/api/')) {
      const answer = api({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: await text(req),
      });
      if (answer === 'hang') return;
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers }).end(body);
      return;
    }
    if (behaviour.redirectTo) {
      res.writeHead(302, { location: behaviour.redirectTo }).end();
      return;
    }
    if (behaviour.status) {
      res.writeHead(behaviour.status, { 'content-length': 0 }).end();
      return;
    }
    const body = behaviour.body;
    const etag = `"${sha256Of(body).slice(0, 16)}"`;
    const range = /^bytes=(\d+)-$/.exec(header(req, 'range') ?? '');
    const ifRange = header(req, 'if-range');
    const honour = range && !behaviour.ignoreRange && (ifRange === null || ifRange === etag);
    let start = 0;
    if (honour) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
        etag,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes', etag });
    }
    let sentHere = 0;
    for (let at = start; at < body.length; at += behaviour.chunkBytes) {
      if (closed.value || res.destroyed) return;
      if (behaviour.dropAfterBytes !== null && sentHere >= behaviour.dropAfterBytes) {
        behaviour.dropAfterBytes = null;
        res.destroy();
        return;
      }
      if (behaviour.goneAfterBytes !== null && sentHere >= behaviour.goneAfterBytes) {
        res.destroy();
        void close();
        return;
      }
      if (behaviour.stallAfterBytes !== null && sentHere >= behaviour.stallAfterBytes) return;
      const piece = body.subarray(at, Math.min(body.length, at + behaviour.chunkBytes));
      res.write(piece);
      sentHere += piece.length;
      bytesSent += piece.length;
      await new Promise((resolve) => setTimeout(resolve, behaviour.tickMs));
    }
    res.end();
  }

  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      closed.value = true;
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    requests,
    get bytesSent() {
      return bytesSent;
    },
    url: (path = '/stories260K.gguf') => `${origin}${path}`,
    set: (patch) => Object.assign(behaviour, patch),
    close,
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
