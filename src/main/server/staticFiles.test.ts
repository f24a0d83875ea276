// The built UI over real HTTP: precompressed siblings when the browser takes
// them, and caching that keeps hashed assets for good but index.html fresh.
import { startTestServer } from '../../testing/testServer';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { openTestOwner, type TestOwner } from '../../testing/testOwner';
import type { HearthServer } from './httpServer';
import { IMMUTABLE, isHashedAsset } from './staticFiles';

const APP_JS = `console.log(${JSON.stringify('hearth '.repeat(200))});`;
const INDEX = '<!doctype html><title>Hearth</title><script src="/assets/app-1a2b3c4d.js"></script>';

let root: string;
let server: HearthServer | undefined;
let fake: ReturnType<typeof createTestHearth>;
/** The files are the owner's view here: every request presents the owner cookie. */
let owner: TestOwner | undefined;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-static-'));
  const assets = join(root, 'assets');
  mkdirSync(assets, { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'index.html.gz'), gzipSync(INDEX));
  writeFileSync(join(assets, 'app-1a2b3c4d.js'), APP_JS);
  writeFileSync(join(assets, 'app-1a2b3c4d.js.gz'), gzipSync(APP_JS));
  writeFileSync(join(assets, 'app-1a2b3c4d.js.br'), brotliCompressSync(APP_JS));
  writeFileSync(join(assets, 'plain-5e6f.css'), 'body{}');
  fake = createTestHearth();
  owner = await openTestOwner(join(root, 'data'));
  server = await startTestServer({
    hearth: fake.hearth,
    owner: owner.owner,
    staticDir: root,
    host: '127.0.0.1',
    port: 0,
    logger: fake.logger,
  });
});

afterEach(async () => {
  await server?.close();
  await fake.hearth.dispose();
  await owner?.owner.dispose();
  owner = undefined;
  server = undefined;
  rmSync(root, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const withCookie = { ...owner?.headers, ...headers };
    const req = request(
      { host: '127.0.0.1', port: server?.port, path, headers: withCookie },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('precompressed files', () => {
  it('sends the .gz sibling to a browser that offers gzip (Chromium over plain HTTP to a LAN address)', async () => {
    const res = await get('/assets/app-1a2b3c4d.js', { 'Accept-Encoding': 'gzip, deflate' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.length).toBeLessThan(APP_JS.length / 4);
    expect(gunzipSync(res.body).toString()).toBe(APP_JS);
  });

  it('prefers brotli where it is offered', async () => {
    const res = await get('/assets/app-1a2b3c4d.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.body).toString()).toBe(APP_JS);
  });

  it('sends the plain file to a client that takes no compression, or when there is no sibling', async () => {
    const plain = await get('/assets/app-1a2b3c4d.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(APP_JS);
    const css = await get('/assets/plain-5e6f.css', { 'Accept-Encoding': 'gzip, br' });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.body.toString()).toBe('body{}');
  });

  it('sends index.html compressed too, also as the fallback of a client-side route', async () => {
    for (const path of ['/', '/conversations/abc']) {
      const res = await get(path, { 'Accept-Encoding': 'gzip' });
      expect(res.headers['content-encoding'], path).toBe('gzip');
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(gunzipSync(res.body).toString()).toBe(INDEX);
    }
  });
});

describe('caching', () => {
  it('keeps hashed assets for a year as immutable, whatever the encoding', async () => {
    for (const encoding of ['gzip', 'br', 'identity']) {
      const res = await get('/assets/app-1a2b3c4d.js', { 'Accept-Encoding': encoding });
      expect(res.headers['cache-control'], encoding).toBe(IMMUTABLE);
    }
  });

  it('makes the browser check index.html each time, so a new build is picked up', async () => {
    for (const path of ['/', '/index.html', '/conversations/abc']) {
      expect((await get(path)).headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('never marks the index.html fallback immutable, even under /assets/', async () => {
    const res = await get('/assets/some-route');
    expect(res.body.toString()).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('isHashedAsset', () => {
  it('is true only for files with an extension under /assets/', () => {
    expect(isHashedAsset('/assets/app-1a2b3c4d.js')).toBe(true);
    expect(isHashedAsset('/assets/font-9f8e.woff2')).toBe(true);
    expect(isHashedAsset('/assets/route')).toBe(false);
    expect(isHashedAsset('/index.html')).toBe(false);
    expect(isHashedAsset('/')).toBe(false);
  });
});
