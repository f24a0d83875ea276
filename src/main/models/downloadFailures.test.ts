import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { failureOf, useDownloadHarness } from '../../testing/models/downloadHarness';
import {
  closedPort,
  FIXTURE_SHA256,
  fixtureBytes,
  sha256Of,
} from '../../testing/models/modelServer';
import { pinnedStoriesEntry, unpinnedStoriesEntry } from '../../testing/models/catalogEntries';
import { loadCatalog } from './catalog';

const h = useDownloadHarness();

// Every failure must leave nothing a model scan would load, and say what went wrong in one sentence.
describe('downloadModel failures', () => {
  test('a server that stops sending fails after the stall time with one sentence', async () => {
    const server = await h.serve({ stallAfterBytes: 200_000 });
    const started = Date.now();
    const error = await failureOf(h.pull({ source: server.url(), stallMs: 400 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.kind).toBe('stalled');
    expect(error.message).toMatch(
      /^Could not download stories260K\.gguf: no data arrived for 0\.4 s after [\d.]+ kB of 1\.2 MB; try again to continue where it stopped\.$/,
    );
    expect(await h.ggufFiles()).toEqual([]);
  });

  test('the server going away midway leaves no model file and says the connection was lost', async () => {
    const server = await h.serve({ goneAfterBytes: 500_000 });
    const error = await failureOf(h.pull({ source: server.url() }));
    expect(error.kind).toBe('lost');
    expect(await h.ggufFiles()).toEqual([]);

    const again = await failureOf(h.pull({ source: server.url() }));
    expect(again.message).toBe(
      'Could not download stories260K.gguf: the server could not be reached (no internet?).',
    );
  });

  test('no server at all (no internet) fails at once with one plain sentence', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await failureOf(h.pull({ source: `http://127.0.0.1:${port}/models/qwen.gguf` }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toBe(
      'Could not download qwen.gguf: the server could not be reached (no internet?).',
    );
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('a checksum mismatch refuses the file and removes it', async () => {
    const server = await h.serve();
    const error = await failureOf(h.pull({ source: server.url(), sha256: 'ab'.repeat(32) }));
    expect(error.kind).toBe('checksum-mismatch');
    expect(error.message).toBe(
      'Could not download stories260K.gguf: the file does not match its sha256 checksum, so it was removed; try again.',
    );
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('a corrupt copy (one byte flipped) is rejected by its checksum', async () => {
    const corrupt = Buffer.from(fixtureBytes());
    corrupt.writeUInt8(corrupt.readUInt8(600_000) ^ 0x01, 600_000);
    const server = await h.serve({ body: corrupt });
    const error = await failureOf(h.pull({ source: server.url() }));
    expect(error.kind).toBe('checksum-mismatch');
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('a truncated file is rejected, even when the server claims it is whole', async () => {
    const server = await h.serve({ body: fixtureBytes().subarray(0, 700_000) });
    const error = await failureOf(h.pull({ source: server.url() }));
    expect(error.kind).toBe('checksum-mismatch');
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('something that is not a GGUF model is removed even if its checksum matches', async () => {
    const page = Buffer.from('<!doctype html><title>Sign in</title>');
    const server = await h.serve({ body: page });
    const error = await failureOf(h.pull({ source: server.url(), sha256: sha256Of(page) }));
    expect(error.kind).toBe('not-gguf');
    expect(error.message).toBe(
      'Could not download stories260K.gguf: the server sent something that is not a GGUF model, so it was removed.',
    );
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('without any sha256 the file is not installed, and its computed sha256 is shown', async () => {
    const server = await h.serve();
    const error = await failureOf(h.pull({ source: server.url(), sha256: undefined }));
    expect(error.kind).toBe('unverified');
    expect(error.message).toContain(`its sha256 is ${FIXTURE_SHA256}`);
    expect(await h.ggufFiles()).toEqual([]);

    const requestsBefore = server.requests.length;
    const installed = await h.pull({ source: server.url(), sha256: FIXTURE_SHA256 });
    expect(server.requests.length).toBe(requestsBefore);
    expect(installed.path).toBe(join(h.dir, 'stories260K.gguf'));
  });

  test('plain http to another host is refused before any connection', async () => {
    const error = await failureOf(h.pull({ source: 'http://example.com/model.gguf' }));
    expect(error.kind).toBe('refused');
    expect(error.message).toBe(
      'Could not download http://example.com/model.gguf: only https addresses are allowed (plain http only to this computer).',
    );
  });

  test('a redirect from loopback to plain http elsewhere is refused', async () => {
    const server = await h.serve({ redirectTo: 'http://example.com/stories260K.gguf' });
    const error = await failureOf(h.pull({ source: server.url() }));
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('it redirected to a refused address');
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('HTTP errors read as a sentence', async () => {
    const server = await h.serve({ status: 404 });
    const error = await failureOf(h.pull({ source: server.url() }));
    expect(error.message).toBe(
      'Could not download stories260K.gguf: the server has no such file (HTTP 404).',
    );
  });

  test('a built-in catalog model without internet says so in one plain sentence', async () => {
    const port = await closedPort();
    const error = await failureOf(
      h.pull({
        source: 'qwen2.5-0.5b-instruct',
        sha256: undefined,
        env: { HF_ENDPOINT: `http://127.0.0.1:${port}` },
      }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      'Could not download Qwen2.5 0.5B Instruct: the server could not be reached (no internet?).',
    );
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('a catalog model, pinned or not, is refused when the hub endpoint is plain http elsewhere', async () => {
    for (const entry of [
      pinnedStoriesEntry({ revision: 'b'.repeat(40) }),
      unpinnedStoriesEntry(),
    ]) {
      const catalog = loadCatalog({ recommended: 'stories', entries: [entry] });
      const error = await failureOf(
        h.pull({ source: 'stories', catalog, env: { HF_ENDPOINT: 'http://mirror.lan' } }),
      );
      expect(error.message, `revision ${entry.revision}`).toBe(
        'Could not download Stories 260K: only https addresses are allowed (plain http only to this computer) (the hub endpoint is http://mirror.lan/).',
      );
    }
  });

  // A Pi without a clock battery boots with a wrong date, and then every certificate looks invalid.
  // .ci/run installs openssl where it is missing.
  test('an https server whose certificate cannot be verified gets its own sentence', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(h.dir, 'key.pem'),
        '-out',
        join(h.dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = createServer(
      {
        key: await readFile(join(h.dir, 'key.pem')),
        cert: await readFile(join(h.dir, 'cert.pem')),
      },
      (_req, res) => res.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await failureOf(h.pull({ source: `https://127.0.0.1:${port}/m.gguf` }));
      expect(error.message).toBe(
        `Could not download m.gguf: the certificate of 127.0.0.1:${port} could not be verified (is the clock right?).`,
      );
      expect(await h.ggufFiles()).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
