// A catalog entry that pins no revision is pinned when it is downloaded: the
// hub's API names the commit and the sha256, and the bytes come from that commit.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pinnedStoriesEntry, unpinnedStoriesEntry } from '../../testing/models/catalogEntries';
import { failureOf, useDownloadHarness } from '../../testing/models/downloadHarness';
import {
  fakeHub,
  FIRST_COMMIT,
  fixtureOnHub,
  hubApi,
  SECOND_COMMIT,
  type FakeHub,
} from '../../testing/models/fakeHub';
import {
  closedPort,
  FIXTURE_SHA256,
  fixtureBytes,
  sha256Of,
  type Behaviour,
  type ModelServer,
} from '../../testing/models/modelServer';
import { loadCatalog } from './catalog';

const h = useDownloadHarness();
const unpinned = loadCatalog({ recommended: 'stories', entries: [unpinnedStoriesEntry()] });

/** A loopback hub: its API answers from `hub`, every other path serves the model bytes. */
const serveHub = (hub: FakeHub = fakeHub(), behaviour: Partial<Behaviour> = {}) =>
  h.serve({ api: hubApi(hub), ...behaviour });

/** Pulls the unpinned catalog entry from this hub, with no sha256 but the hub's. */
const pullFromHub = (server: ModelServer, catalog = unpinned) =>
  h.pull({ source: 'stories', sha256: undefined, catalog, env: { HF_ENDPOINT: server.origin } });

const byteRequests = (server: ModelServer) =>
  server.requests.filter((r) => !r.path.startsWith('/api/'));

describe('downloading a catalog entry the catalog does not pin', () => {
  test("installs the file from the commit main is at, checked against the hub's sha256", async () => {
    const server = await serveHub();
    const installed = await pullFromHub(server);

    expect(installed).toMatchObject({ displayName: 'Stories 260K', sha256: FIXTURE_SHA256 });
    expect(sha256Of(await readFile(installed.path))).toBe(FIXTURE_SHA256);
    expect(await readdir(h.dir)).toEqual(['stories260K.gguf']);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/models/ggml-org/models/revision/main',
      `/api/models/ggml-org/models/tree/${FIRST_COMMIT}`,
      `/ggml-org/models/resolve/${FIRST_COMMIT}/stories260K.gguf`,
    ]);
    expect(server.requests.some((r) => r.path.includes('/resolve/main/'))).toBe(false);
  });

  test("bytes that do not match the hub's sha256 are refused and nothing is installed", async () => {
    const server = await serveHub(fakeHub({ files: [fixtureOnHub({ sha256: 'ab'.repeat(32) })] }));
    const error = await failureOf(pullFromHub(server));
    expect(error.message).toBe(
      'Could not download Stories 260K: the file does not match its sha256 checksum, so it was removed; try again.',
    );
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('bytes of another size than the hub publishes are refused', async () => {
    const server = await serveHub(fakeHub({ files: [fixtureOnHub({ size: 1_000_000 })] }));
    const error = await failureOf(pullFromHub(server));
    expect(error.kind).toBe('wrong-size');
    expect(error.message).toBe(
      'Could not download Stories 260K: the file is 1.2 MB instead of 1.0 MB, so it was removed.',
    );
    expect(await h.ggufFiles()).toEqual([]);
  });

  test.each<[string, Partial<FakeHub>, RegExp]>([
    [
      'the file is not in the repository',
      { files: [fixtureOnHub({ path: 'README.md' })] },
      /the hub has no stories260K\.gguf in ggml-org\/models at its latest revision/,
    ],
    [
      'the file has no LFS entry',
      { files: [{ ...fixtureOnHub(), lfs: undefined }] },
      /the hub publishes no sha256 for stories260K\.gguf/,
    ],
    [
      'the API answers 404',
      { override: { revision: { status: 404, body: { error: 'Repository not found' } } } },
      /the hub has no repository ggml-org\/models \(HTTP 404\)/,
    ],
    [
      'the API answers 500',
      { override: { tree: { status: 500, body: 'oops' } } },
      /the hub had a problem \(HTTP 500\); try again later/,
    ],
    [
      'the API answers garbage',
      { override: { tree: { status: 200, body: '{"files": [' } } },
      /the hub's answer about ggml-org\/models was not what Hearth expects \(it is not JSON\)/,
    ],
  ])('%s: one sentence, and the bytes are never asked for', async (_, hub, reason) => {
    const server = await serveHub(fakeHub(hub));
    const error = await failureOf(pullFromHub(server));
    expect(error.message).toMatch(/^Could not download Stories 260K: /);
    expect(error.message).toMatch(reason);
    expect(error.message.split('. ').length).toBe(1);
    expect(byteRequests(server)).toEqual([]);
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('after main moved to a commit with the same file, the partial download continues', async () => {
    const hub = fakeHub();
    const server = await serveHub(hub, { dropAfterBytes: 400_000 });
    expect((await failureOf(pullFromHub(server))).kind).toBe('lost');
    const partial = (await stat(join(h.dir, 'stories260K.gguf.part'))).size;

    hub.commit = SECOND_COMMIT;
    const installed = await pullFromHub(server);
    const resumed = byteRequests(server).at(-1);
    expect(resumed?.path).toBe(`/ggml-org/models/resolve/${SECOND_COMMIT}/stories260K.gguf`);
    expect(resumed?.range).toBe(`bytes=${partial}-`);
    expect(installed.resumedFrom).toBe(partial);
    expect(sha256Of(await readFile(installed.path))).toBe(FIXTURE_SHA256);
  });

  test('after main moved to a commit with a changed file, the old partial is not continued', async () => {
    const hub = fakeHub();
    const server = await serveHub(hub, { dropAfterBytes: 400_000 });
    await failureOf(pullFromHub(server));

    const changed = Buffer.from(fixtureBytes());
    changed.writeUInt8(changed.readUInt8(changed.length - 1) ^ 0xff, changed.length - 1);
    hub.commit = SECOND_COMMIT;
    hub.files = [fixtureOnHub({ sha256: sha256Of(changed) })];
    server.set({ body: changed });

    const installed = await pullFromHub(server);
    expect(byteRequests(server).at(-1)?.range).toBeNull();
    expect(installed.resumedFrom).toBe(0);
    expect(sha256Of(await readFile(installed.path))).toBe(sha256Of(changed));
  });

  test('an installed copy is kept without asking the hub, so it works offline', async () => {
    const server = await serveHub();
    await pullFromHub(server);
    const offline = `http://127.0.0.1:${await closedPort()}`;
    const again = await h.pull({
      source: 'stories',
      sha256: undefined,
      catalog: unpinned,
      env: { HF_ENDPOINT: offline },
    });
    expect(again.alreadyInstalled).toBe(true);
  });

  test('a catalog entry that pins its revision and sha256 never asks the hub', async () => {
    const server = await serveHub(fakeHub({ files: [fixtureOnHub({ sha256: 'ab'.repeat(32) })] }));
    const catalog = loadCatalog({ recommended: 'stories', entries: [pinnedStoriesEntry()] });
    const installed = await pullFromHub(server, catalog);
    expect(installed.sha256).toBe(FIXTURE_SHA256);
    expect(server.requests.map((r) => r.path)).toEqual([
      `/ggml-org/models/resolve/${'a'.repeat(40)}/stories260K.gguf`,
    ]);
  });
});

describe('downloading an hf: URI', () => {
  const emptyCatalog = loadCatalog({ recommended: 'stories', entries: [pinnedStoriesEntry()] });
  const pullUri = (server: ModelServer, uri: string, sha256?: string) =>
    h.pull({ source: uri, sha256, catalog: emptyCatalog, env: { HF_ENDPOINT: server.origin } });

  test('with no sha256 is pinned by the hub at the revision it names, even in a folder', async () => {
    const hub = fakeHub({ files: [fixtureOnHub({ path: 'q4/stories260K.gguf' })] });
    const server = await serveHub(hub);
    const installed = await pullUri(
      server,
      `hf:ggml-org/models/q4/stories260K.gguf#${FIRST_COMMIT}`,
    );
    expect(installed).toMatchObject({ fileName: 'stories260K.gguf', sha256: FIXTURE_SHA256 });
    expect(server.requests.map((r) => r.path)).toEqual([
      `/api/models/ggml-org/models/revision/${FIRST_COMMIT}`,
      `/api/models/ggml-org/models/tree/${FIRST_COMMIT}`,
      `/ggml-org/models/resolve/${FIRST_COMMIT}/q4/stories260K.gguf`,
    ]);
  });

  test("with no sha256, bytes that do not match the hub's are refused", async () => {
    const server = await serveHub(fakeHub({ files: [fixtureOnHub({ sha256: 'ab'.repeat(32) })] }));
    const error = await failureOf(pullUri(server, 'hf:ggml-org/models/stories260K.gguf'));
    expect(error.kind).toBe('checksum-mismatch');
    expect(await readdir(h.dir)).toEqual([]);
  });

  test('with a sha256 given goes straight to the revision named, never asking the hub', async () => {
    const server = await serveHub();
    await pullUri(server, 'hf:ggml-org/models/stories260K.gguf#v1', FIXTURE_SHA256);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/ggml-org/models/resolve/v1/stories260K.gguf',
    ]);
  });
});
