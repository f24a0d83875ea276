// The hub's model API for one repository, as Hearth asks it when it pins a
// catalog model at download time (src/main/models/hubPin.ts), to plug into
// modelServer's `api`: which commit main is at, the file list at that commit
// (its first page, with a Link to the next when some files are left for it),
// and paths-info by name. Tests change the FakeHub's fields to move main to
// another commit, change a file, or make one endpoint misbehave. Test-only.
import type { ApiAnswer, ApiHandler, ApiRequest } from './modelServer';
import { FIXTURE_SHA256, fixtureBytes } from './modelServer';

export interface HubFile {
  type: 'file' | 'directory';
  path: string;
  size: number;
  /** The git blob id (of the LFS pointer, for an LFS file). */
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

type Endpoint = 'revision' | 'tree' | 'paths-info';

export interface FakeHub {
  /** "owner/name"; any other repository is not found. */
  repository: string;
  /** The commit main is at. */
  commit: string;
  /** The files at that commit. */
  files: HubFile[];
  /** Paths the tree leaves off its first page, as for a repository with many files. */
  laterPage: string[];
  /** An answer that replaces the real one, or 'hang' to never answer. */
  override: Partial<Record<Endpoint, ApiAnswer | 'hang'>>;
}

export const FIRST_COMMIT = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
export const SECOND_COMMIT = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c';

/** The fixture model as the hub lists an LFS file. */
export function fixtureOnHub(overrides: Partial<HubFile> & { sha256?: string } = {}): HubFile {
  const { sha256 = FIXTURE_SHA256, ...rest } = overrides;
  const size = rest.size ?? fixtureBytes().length;
  return {
    type: 'file',
    path: 'stories260K.gguf',
    size,
    oid: 'e'.repeat(40),
    lfs: { oid: sha256, size, pointerSize: 134 },
    ...rest,
  };
}

export function fakeHub(init: Partial<FakeHub> = {}): FakeHub {
  return {
    repository: 'ggml-org/models',
    commit: FIRST_COMMIT,
    files: [
      { type: 'file', path: '.gitattributes', size: 1519, oid: 'a'.repeat(40) },
      { type: 'file', path: 'README.md', size: 2048, oid: 'b'.repeat(40) },
      fixtureOnHub(),
    ],
    laterPage: [],
    override: {},
    ...init,
  };
}

const ROUTE = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/?]+)(?:\?(.*))?$/;

/** Answers the hub's API from the hub's fields as they are at the time of each request. */
export function hubApi(hub: FakeHub): ApiHandler {
  return (request: ApiRequest) => {
    const route = ROUTE.exec(request.path);
    if (!route) return { status: 404, body: { error: 'Not found' } };
    const [, repository, endpoint, revision, query] = route as unknown as [
      string,
      string,
      Endpoint,
      string,
      string | undefined,
    ];
    const override = hub.override[endpoint];
    if (override) return override;
    if (repository !== hub.repository)
      return { status: 404, body: { error: 'Repository not found' } };
    if (endpoint === 'revision') {
      return revision === 'main' || revision === hub.commit
        ? { status: 200, body: { id: hub.repository, sha: hub.commit } }
        : { status: 404, body: { error: 'Invalid rev id' } };
    }
    if (revision !== hub.commit) return { status: 404, body: { error: 'Invalid rev id' } };
    if (endpoint === 'paths-info') {
      if (request.method !== 'POST') return { status: 405, body: { error: 'Use POST' } };
      const asked = new URLSearchParams(request.body).getAll('paths');
      return { status: 200, body: hub.files.filter((file) => asked.includes(file.path)) };
    }
    const later = new URLSearchParams(query ?? '').get('cursor') === 'next';
    const page = hub.files.filter((file) => hub.laterPage.includes(file.path) === later);
    const next = `<${request.path.split('?')[0]}?cursor=next>; rel="next"`;
    return {
      status: 200,
      body: page,
      headers: !later && hub.laterPage.length > 0 ? { link: next } : {},
    };
  };
}
