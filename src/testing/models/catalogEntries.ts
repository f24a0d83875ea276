// The fixture model as a catalog entry, pinned at a revision or not, for the
// tests that download it by name from a hub endpoint on loopback.
import { FIXTURE_SHA256, fixtureBytes } from './modelServer';

export interface PinnedStoriesOverrides {
  revision?: string;
  sizeBytes?: number;
  description?: string;
}

export function pinnedStoriesEntry(overrides: PinnedStoriesOverrides = {}) {
  return {
    id: 'stories',
    displayName: 'Stories 260K',
    repository: 'ggml-org/models',
    file: 'stories260K.gguf',
    revision: overrides.revision ?? 'a'.repeat(40),
    sha256: FIXTURE_SHA256,
    sizeBytes: overrides.sizeBytes ?? fixtureBytes().length,
    kvBytesPerToken: 1,
    parameters: '260K',
    licence: 'MIT',
    description: overrides.description ?? 'Test model.',
  };
}

/** The same model as a catalog entry that pins nothing: the hub is asked when it is downloaded. */
export function unpinnedStoriesEntry() {
  return { ...pinnedStoriesEntry(), revision: null, sha256: null };
}
