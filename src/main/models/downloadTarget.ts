// What a download request means before any bytes move: a catalog id, an https
// address or an hf: URI becomes a file name, an address and the checks the
// file must pass. A catalog entry the catalog does not pin, and an hf: URI
// given without a sha256, are pinned here, at download time, from the hub
// (hubPin.ts): the address names the commit the hub reports, never a moving
// branch, and the hub's sha256 and size are checked.
import { catalogDownloadUrl, findCatalogEntry, loadCatalog, type Catalog } from './catalog';
import { ModelDownloadError, type DownloadFailure } from './downloadError';
import { resolveHubPin } from './hubPin';
import {
  hubEndpoint,
  hubFileUrl,
  isHubUri,
  parseHubUri,
  RefusedSourceError,
  refusalFor,
  resolveSource,
} from './source';

export interface TargetRequest {
  source: string;
  sha256?: string;
  catalog?: Catalog;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  answerMs?: number;
}

interface TargetChecks {
  displayName: string;
  fileName: string;
  /** The sha256 the file must have; null when nobody gave one. */
  sha256: string | null;
  /** The exact size the file must have, when the hub published it. */
  sizeBytes: number | null;
}

/** Where the hub is asked about a file nobody gave a commit and sha256 for. */
interface HubLookup {
  endpoint: string;
  repository: string;
  /** The file's path in the repository. */
  file: string;
  /** The branch, tag or commit to pin. */
  revision: string;
}

export type PinnedTarget = TargetChecks & { url: string; hub: null };
export type Target = PinnedTarget | (TargetChecks & { url: null; hub: HubLookup });

export function resolveTarget(request: TargetRequest): Target {
  const { source } = request;
  const given = request.sha256?.trim().toLowerCase();
  const fail = (name: string, failure: DownloadFailure): never => {
    throw new ModelDownloadError(name, failure);
  };
  if (given !== undefined && !/^[0-9a-f]{64}$/.test(given)) {
    fail(source, { kind: 'refused', reason: 'the sha256 given is not 64 hexadecimal digits' });
  }
  const catalog = request.catalog ?? loadCatalog();
  const entry = findCatalogEntry(catalog, source);
  if (entry) {
    const endpoint = hubEndpoint(request.env);
    const refusal = refusalFor(endpoint);
    if (refusal) {
      fail(entry.displayName, {
        kind: 'refused',
        reason: `${refusal} (the hub endpoint is ${endpoint})`,
      });
    }
    const checks = {
      displayName: entry.displayName,
      fileName: entry.file,
      sha256: given ?? entry.sha256,
      sizeBytes: null,
    };
    const url = catalogDownloadUrl(entry, endpoint);
    return url === null
      ? {
          ...checks,
          url,
          hub: { endpoint, repository: entry.repository, file: entry.file, revision: 'main' },
        }
      : { ...checks, url, hub: null };
  }
  try {
    const resolved = resolveSource(source, request.env);
    // Another copy of a catalog file still reads as that model; its checksum is not
    // borrowed, since the address may point at another revision.
    const known = catalog.entries.find((e) => e.file === resolved.fileName);
    const checks = {
      displayName: known?.displayName ?? resolved.fileName,
      fileName: resolved.fileName,
      sha256: given ?? null,
      sizeBytes: null,
    };
    if (given === undefined && isHubUri(source)) {
      const { repository, path, revision } = parseHubUri(source);
      const hub = { endpoint: hubEndpoint(request.env), repository, file: path };
      return { ...checks, url: null, hub: { ...hub, revision: revision ?? 'main' } };
    }
    return { ...checks, url: resolved.url, hub: null };
  } catch (error) {
    if (error instanceof RefusedSourceError) {
      fail(source, { kind: 'refused', reason: error.message });
    }
    throw error;
  }
}

/**
 * The target with its address, sha256 and size taken from the hub, for a file
 * nobody pinned; a sha256 given with the request still wins.
 */
export async function pinTarget(target: Target, request: TargetRequest): Promise<PinnedTarget> {
  if (target.hub === null) return target;
  const { endpoint, repository, file, revision } = target.hub;
  const pin = await resolveHubPin(repository, file, {
    endpoint,
    revision,
    signal: request.signal,
    answerMs: request.answerMs,
  });
  return {
    ...target,
    url: hubFileUrl(endpoint, repository, pin.revision, file),
    hub: null,
    sha256: target.sha256 ?? pin.sha256,
    sizeBytes: pin.sizeBytes,
  };
}
