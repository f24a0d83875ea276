import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/inferenceFixtures';
import { contentSecurityPolicy } from '../server';
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  resolveAppRequest,
} from './appProtocol';

const root = '/srv/hearth/out/renderer';
const csp = contentSecurityPolicy({ allowWebSocket: false });

/** True when the decision is a 404 or a file strictly inside `dir`. */
function staysInside(url: string, dir: string): boolean {
  const decision = resolveAppRequest(url, dir);
  return 'status' in decision || decision.path.startsWith(dir + sep);
}

describe('the app scheme', () => {
  it('is a standard, secure scheme that does not bypass the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('allowServiceWorkers');
    expect(APP_PAGE_URL).toBe('app://hearth/index.html');
  });
});

describe('resolveAppRequest', () => {
  it('maps app://hearth/<path> to the file under the renderer folder, with its type', () => {
    expect(resolveAppRequest('app://hearth/index.html', root)).toEqual({
      path: `${root}/index.html`,
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://hearth/assets/index-C0M365eF.js', root)).toEqual({
      path: `${root}/assets/index-C0M365eF.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('serves the page for the bare origin, and ignores the query and fragment', () => {
    const page = { path: `${root}/index.html`, contentType: 'text/html; charset=utf-8' };
    expect(resolveAppRequest('app://hearth/', root)).toEqual(page);
    expect(resolveAppRequest('app://hearth', root)).toEqual(page);
    expect(resolveAppRequest('app://hearth/index.html?keyboard=on#/c/1', root)).toEqual(page);
  });

  it('gives each kind of built file its content type', () => {
    const types: [string, string][] = [
      ['assets/a.css', 'text/css; charset=utf-8'],
      ['assets/a.mjs', 'text/javascript; charset=utf-8'],
      ['assets/a.JS', 'text/javascript; charset=utf-8'],
      ['assets/a.svg', 'image/svg+xml'],
      ['assets/a.png', 'image/png'],
      ['assets/a.woff2', 'font/woff2'],
      ['assets/a.json', 'application/json; charset=utf-8'],
      ['assets/a.wasm', 'application/wasm'],
      ['manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
    ];
    for (const [file, type] of types) {
      expect(resolveAppRequest(`app://hearth/${file}`, root), file).toMatchObject({
        contentType: type,
      });
    }
  });

  it('refuses files of a kind the UI does not have, such as the precompressed copies', () => {
    for (const file of ['assets/a.js.br', 'assets/a.js.gz', 'README', 'run.sh', 'x.exe']) {
      expect(resolveAppRequest(`app://hearth/${file}`, root), file).toEqual({ status: 404 });
    }
  });

  it('refuses every other scheme, host, port or credential', () => {
    for (const url of [
      'file:///srv/hearth/out/renderer/index.html',
      'https://hearth/index.html',
      'app://evil/index.html',
      'app://hearth.evil/index.html',
      'app://hearth:8080/index.html',
      'app://user:pw@hearth/index.html',
      'app:///index.html',
      'app:hearth/index.html',
      'not a url',
    ]) {
      expect(resolveAppRequest(url, root), url).toEqual({ status: 404 });
    }
  });

  it('never leaves the renderer folder, however the path is written', () => {
    const hostile = [
      // Plain: the URL parser resolves the dots against the root, so it stays inside.
      'app://hearth/../../../etc/passwd',
      'app://hearth/../../../etc/hosts.json',
      'app://hearth/assets/../../../../etc/shadow.js',
      // Encoded dots the URL parser also resolves.
      'app://hearth/%2e%2e/%2e%2e/etc/x.js',
      'app://hearth/.%2e/.%2e/etc/x.js',
      // Encoded slashes: one decode makes ../../ out of a single segment.
      'app://hearth/%2e%2e%2f%2e%2e%2fetc%2fpasswd.js',
      'app://hearth/..%2f..%2f..%2fetc%2fx.json',
      'app://hearth/assets%2f..%2f..%2fsecret.js',
      // Double encoded: decoded once, it is still an escape, never a path.
      'app://hearth/%252e%252e%252f%252e%252e%252fsecret.js',
      'app://hearth/%25252e%25252e/secret.js',
      // Backslashes, raw and encoded.
      'app://hearth/..\\..\\secret.js',
      'app://hearth/..%5c..%5csecret.js',
      'app://hearth/assets%5c..%5c..%5csecret.js',
      // A NUL byte that would cut the name short in C.
      'app://hearth/index.html%00.js',
      'app://hearth/../../etc/passwd%00.html',
      // Absolute paths smuggled in as the first segment.
      'app://hearth//etc/x.js',
      'app://hearth/%2fetc%2fx.js',
      // Overlong UTF-8 for "/" and "." and malformed escapes.
      'app://hearth/%c0%af..%c0%afsecret.js',
      'app://hearth/%E0%A4%A.js',
    ];
    for (const url of hostile) expect(staysInside(url, root), url).toBe(true);
    // The ones whose decoded form walks out or hides a separator are refused outright.
    for (const url of hostile.slice(5)) {
      expect(resolveAppRequest(url, root), url).toEqual({ status: 404 });
    }
  });

  it('refuses "." and empty segments and control characters', () => {
    for (const url of [
      'app://hearth/assets//a.js',
      'app://hearth/%2e%2findex.html',
      'app://hearth/assets/%0a.js',
      'app://hearth/assets/a%3a.js',
    ]) {
      expect(resolveAppRequest(url, root), url).toEqual({ status: 404 });
    }
  });
});

describe('createAppProtocolHandler, over a real folder', () => {
  let dir: ReturnType<typeof tempDir>;
  let renderer: string;
  const page = '<!doctype html><title>Hearth</title>';
  const script = 'console.log("hearth")';

  beforeEach(() => {
    dir = tempDir('hearth-app-protocol-');
    renderer = join(dir.path, 'renderer');
    mkdirSync(join(renderer, 'assets', 'folder.js'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), page);
    writeFileSync(join(renderer, 'assets', 'index-abc.js'), script);
    writeFileSync(join(dir.path, 'secret.json'), '{"token":"s3cret"}');
    // A sibling whose name starts like the renderer folder: a prefix check must not let it in.
    mkdirSync(join(dir.path, 'renderer-evil'));
    writeFileSync(join(dir.path, 'renderer-evil', 'x.js'), 'evil()');
    symlinkSync(join(dir.path, 'secret.json'), join(renderer, 'assets', 'leak.json'));
  });
  afterEach(() => dir.remove());

  const get = (url: string, method = 'GET') =>
    createAppProtocolHandler({ rendererDir: renderer, csp })({ url, method });

  it('answers with the file, its type and the CSP', async () => {
    const response = await get('app://hearth/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(page);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(csp);

    const asset = await get('app://hearth/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe(script);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers HEAD with the length and no body', async () => {
    const response = await get('app://hearth/index.html', 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(page)));
    expect(await response.text()).toBe('');
  });

  it('refuses a symbolic link that leads out of the folder, and folders, and missing files', async () => {
    for (const url of [
      'app://hearth/assets/leak.json',
      'app://hearth/assets/folder.js',
      'app://hearth/assets/missing.js',
      'app://hearth/%2e%2e%2fsecret.json',
      'app://hearth/%2e%2e%2frenderer-evil%2fx.js',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      const body = await response.text();
      expect(body, url).not.toContain('s3cret');
      expect(body, url).not.toContain('evil()');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await get('app://hearth/index.html', 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('puts the CSP and nosniff on every response, found or not', async () => {
    const cases: [string, string, number][] = [
      ['app://hearth/', 'GET', 200],
      ['app://hearth/assets/index-abc.js', 'GET', 200],
      ['app://hearth/index.html', 'HEAD', 200],
      ['app://hearth/nothing.css', 'GET', 404],
      ['app://hearth/%2e%2e%2fsecret.json', 'GET', 404],
      ['app://hearth/assets/leak.json', 'GET', 404],
      ['app://elsewhere/index.html', 'GET', 404],
      ['app://hearth/index.html', 'PUT', 405],
    ];
    for (const [url, method, status] of cases) {
      const response = await get(url, method);
      const what = `${method} ${url}`;
      expect(response.status, what).toBe(status);
      expect(response.headers.get('content-security-policy'), what).toBe(csp);
      expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(response.headers.get('content-type'), what).toBeTruthy();
    }
  });
});
