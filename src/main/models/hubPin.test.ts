import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  fakeHub,
  FIRST_COMMIT,
  fixtureOnHub,
  hubApi,
  type FakeHub,
} from '../../testing/models/fakeHub';
import {
  closedPort,
  FIXTURE_SHA256,
  fixtureBytes,
  startModelServer,
  type ApiAnswer,
  type ModelServer,
} from '../../testing/models/modelServer';
import { describeFailure, TransferFailure } from './downloadError';
import { MAX_ANSWER_BYTES, resolveHubPin, type HubPinOptions } from './hubPin';

const servers: ModelServer[] = [];
const plainServers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(
    plainServers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

async function hubServer(hub: FakeHub = fakeHub()): Promise<ModelServer> {
  const server = await startModelServer({ api: hubApi(hub) });
  servers.push(server);
  return server;
}

const pin = (endpoint: string, options: Partial<HubPinOptions> = {}) =>
  resolveHubPin('ggml-org/models', 'stories260K.gguf', { endpoint, ...options });

/** The sentence the owner reads when pinning failed this way; fails the test if it did not. */
async function sentenceOf(promise: Promise<unknown>): Promise<string> {
  const outcome = await promise.then(
    () => new Error('the hub answered'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(TransferFailure);
  return describeFailure('Stories', (outcome as TransferFailure).failure);
}

describe('resolveHubPin', () => {
  test("takes main's commit, then the file's LFS sha256 and size at that commit", async () => {
    const server = await hubServer();
    expect(await pin(`${server.origin}/`)).toEqual({
      revision: FIRST_COMMIT,
      sha256: FIXTURE_SHA256,
      sizeBytes: fixtureBytes().length,
    });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/models/ggml-org/models/revision/main',
      `GET /api/models/ggml-org/models/tree/${FIRST_COMMIT}`,
    ]);
  });

  test('asks for the file by name when it is not on the first page of the file list', async () => {
    const server = await hubServer(fakeHub({ laterPage: ['stories260K.gguf'] }));
    const pinned = await pin(`${server.origin}/`);
    expect(pinned.sha256).toBe(FIXTURE_SHA256);
    const last = server.requests.at(-1);
    expect(`${last?.method} ${last?.path}`).toBe(
      `POST /api/models/ggml-org/models/paths-info/${FIRST_COMMIT}`,
    );
  });

  test('a file the hub does not list at that commit is named in the sentence', async () => {
    const server = await hubServer(fakeHub({ files: [fixtureOnHub({ path: 'other.gguf' })] }));
    expect(await sentenceOf(pin(`${server.origin}/`))).toBe(
      `Could not download Stories: the hub has no stories260K.gguf in ggml-org/models at its latest revision (${FIRST_COMMIT.slice(0, 12)}).`,
    );
  });

  test('a file not stored in LFS has no published sha256, so it is refused', async () => {
    const plain = { ...fixtureOnHub(), lfs: undefined };
    const server = await hubServer(fakeHub({ files: [plain] }));
    expect(await sentenceOf(pin(`${server.origin}/`))).toBe(
      'Could not download Stories: the hub publishes no sha256 for stories260K.gguf in ggml-org/models (it is not stored in LFS), so it cannot be checked; give its https address and --sha256 instead.',
    );
  });

  test.each<[string, 'revision' | 'tree', ApiAnswer, string]>([
    [
      'a repository the hub does not have',
      'revision',
      { status: 404, body: { error: 'Repository not found' } },
      'the hub has no repository ggml-org/models (HTTP 404)',
    ],
    [
      'a private or gated repository',
      'revision',
      { status: 401, body: { error: 'Invalid credentials' } },
      'the hub refused access to ggml-org/models (HTTP 401); it may be private, gated or gone',
    ],
    [
      'rate limiting',
      'tree',
      { status: 429, body: 'Too Many Requests' },
      'the hub is limiting requests (HTTP 429); try again later',
    ],
    [
      'a server error',
      'tree',
      { status: 500, body: 'Internal Error' },
      'the hub had a problem (HTTP 500); try again later',
    ],
    [
      'an answer that is not JSON',
      'revision',
      { status: 200, body: '<!doctype html><title>Sign in</title>' },
      "the hub's answer about ggml-org/models was not what Hearth expects (it is not JSON)",
    ],
    [
      'a revision that is a branch name, not a commit',
      'revision',
      { status: 200, body: { sha: 'main' } },
      "the hub's answer about ggml-org/models was not what Hearth expects (its commit (sha) is not a 40-digit hash)",
    ],
    [
      'a file list that is not a list',
      'tree',
      { status: 200, body: { files: [] } },
      "the hub's answer about ggml-org/models was not what Hearth expects (it is not a file list)",
    ],
    [
      'a malformed LFS checksum',
      'tree',
      { status: 200, body: [fixtureOnHub({ sha256: 'not-a-checksum' })] },
      "the hub's answer about ggml-org/models was not what Hearth expects (stories260K.gguf: its LFS sha256 (oid) is not 64 hexadecimal digits)",
    ],
  ])('%s gets one sentence naming it', async (_, endpoint, answer, reason) => {
    const server = await hubServer(fakeHub({ override: { [endpoint]: answer } }));
    expect(await sentenceOf(pin(`${server.origin}/`))).toBe(
      `Could not download Stories: ${reason}.`,
    );
  });

  test('no hub at all reads as no internet', async () => {
    const port = await closedPort();
    expect(await sentenceOf(pin(`http://127.0.0.1:${port}/`))).toBe(
      'Could not download Stories: the server could not be reached (no internet?).',
    );
  });

  test('a hub that never answers is given up after the answer time', async () => {
    const server = await hubServer(fakeHub({ override: { tree: 'hang' } }));
    expect(await sentenceOf(pin(`${server.origin}/`, { answerMs: 200 }))).toBe(
      'Could not download Stories: the server could not be reached (no internet?).',
    );
  });

  test('cancelling stops a request the hub has not answered', async () => {
    const server = await hubServer(fakeHub({ override: { revision: 'hang' } }));
    const controller = new AbortController();
    const pinning = pin(`${server.origin}/`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await sentenceOf(pinning)).toMatch(/^Cancelled the download of Stories/);
  });

  test('plain http to another host is refused before any connection', async () => {
    let asked = 0;
    const counting: typeof fetch = (...args) => {
      asked++;
      return fetch(...args);
    };
    expect(await sentenceOf(pin('http://hub.lan/', { fetch: counting }))).toBe(
      'Could not download Stories: only https addresses are allowed (plain http only to this computer).',
    );
    expect(asked).toBe(0);
  });

  test('a redirect from the API to plain http elsewhere is refused', async () => {
    const server = await hubServer(
      fakeHub({
        override: {
          revision: { status: 307, body: '', headers: { location: 'http://hub.lan/api' } },
        },
      }),
    );
    expect(await sentenceOf(pin(`${server.origin}/`))).toMatch(
      /it redirected to a refused address: only https addresses are allowed/,
    );
  });

  test('a file list larger than any real one is cut off at 8 MiB with one sentence', async () => {
    const tree = await hubStreamingHugeTree(8 * MAX_ANSWER_BYTES);
    expect(await sentenceOf(pin(tree.origin))).toBe(
      "Could not download Stories: the hub's answer about ggml-org/models was not what Hearth expects (it is larger than 8 MiB).",
    );
    // Hearth hung up instead of reading on: the hub never got to send it all.
    const { sentBytes, finished } = await tree.closed;
    expect(finished).toBe(false);
    expect(sentBytes).toBeLessThan(tree.totalBytes);
  });
});

/**
 * A hub whose file list never seems to end: a valid JSON array of `totalBytes`,
 * written as fast as the client reads it. Everything else is fakeHub's answer.
 */
async function hubStreamingHugeTree(totalBytes: number) {
  const hub = hubApi(fakeHub());
  let markClosed = (_: { sentBytes: number; finished: boolean }): void => {};
  const closed = new Promise<{ sentBytes: number; finished: boolean }>((resolve) => {
    markClosed = resolve;
  });
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.includes(`/tree/${FIRST_COMMIT}`)) {
      void streamTree(res, totalBytes, markClosed);
      return;
    }
    const answer = hub({ method: req.method ?? 'GET', path, body: '' });
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  plainServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}/`, totalBytes, closed };
}

async function streamTree(
  res: ServerResponse,
  totalBytes: number,
  onClosed: (how: { sentBytes: number; finished: boolean }) => void,
): Promise<void> {
  let sentBytes = 0;
  res.once('close', () => onClosed({ sentBytes, finished: res.writableFinished }));
  const entry = JSON.stringify({
    type: 'file',
    path: 'README.md',
    size: 2048,
    oid: 'b'.repeat(40),
  });
  const chunk = Buffer.from(`${entry},`.repeat(Math.ceil(65_536 / (entry.length + 1))));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  while (sentBytes + chunk.length < totalBytes && !res.destroyed) {
    sentBytes += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(`${entry}]`);
}
