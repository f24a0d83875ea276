import { describe, expect, test } from 'vitest';
import {
  catalogDownloadUrl,
  estimatedMemoryBytes,
  estimatedTokensPerSecond,
  findCatalogEntry,
  loadCatalog,
  type CatalogEntry,
} from './catalog';

const pinned: CatalogEntry = {
  id: 'test-model',
  displayName: 'Test Model',
  repository: 'owner/Test-GGUF',
  file: 'Test-Q4_K_M.gguf',
  revision: '0123456789abcdef0123456789abcdef01234567',
  sha256: 'ab'.repeat(32),
  sizeBytes: 600_000_000,
  kvBytesPerToken: 12_288,
  parameters: '0.5B',
  licence: 'Apache-2.0',
  description: 'For tests.',
};

function only<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing');
  return value;
}

describe('the built-in catalog', () => {
  const catalog = loadCatalog();

  test('offers Pi-sized instruct models in Q4_K_M with a recommended default among them', () => {
    expect(catalog.entries.length).toBeGreaterThanOrEqual(4);
    expect(findCatalogEntry(catalog, catalog.recommended)).toBeDefined();
    for (const entry of catalog.entries) {
      expect(entry.file, entry.id).toMatch(/Q4_K_M\.gguf$/);
      expect(entry.sizeBytes, entry.id).toBeLessThan(1.2e9);
      expect(estimatedMemoryBytes(entry), entry.id).toBeLessThan(2e9);
    }
  });

  test('never points at a moving branch: an entry has a commit-pinned address or none', () => {
    for (const entry of catalog.entries) {
      const url = catalogDownloadUrl(entry);
      if (entry.revision === null) {
        expect(url, entry.id).toBeNull();
        expect(entry.sha256, entry.id).toBeNull();
      } else {
        expect(url, entry.id).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/[0-9a-f]{40}\//);
      }
    }
  });

  test('estimates decode speed as Pi 5 bandwidth over model size', () => {
    expect(estimatedTokensPerSecond({ sizeBytes: 1e9 })).toBe(6);
    const small = only(findCatalogEntry(catalog, 'qwen2.5-0.5b-instruct'));
    const large = only(findCatalogEntry(catalog, 'qwen2.5-1.5b-instruct'));
    expect(estimatedTokensPerSecond(small)).toBeGreaterThan(estimatedTokensPerSecond(large));
  });
});

describe('loadCatalog', () => {
  test('accepts a pinned entry and builds its address from repository, revision and file', () => {
    const catalog = loadCatalog({ recommended: 'test-model', entries: [pinned] });
    expect(catalogDownloadUrl(only(catalog.entries[0]), 'http://127.0.0.1:9/')).toBe(
      'http://127.0.0.1:9/owner/Test-GGUF/resolve/0123456789abcdef0123456789abcdef01234567/Test-Q4_K_M.gguf',
    );
  });

  test.each([
    [
      'a branch name as revision',
      { ...pinned, revision: 'main' },
      /entries\.0\.revision: a revision is a 40-digit commit hash/,
    ],
    ['a malformed sha256', { ...pinned, sha256: 'xyz' }, /entries\.0\.sha256/],
    ['a revision without its sha256', { ...pinned, sha256: null }, /pinned together/],
    ['a file that is not .gguf', { ...pinned, file: 'model.bin' }, /entries\.0\.file/],
  ])('refuses %s with one sentence', (_what, entry, message) => {
    expect(() => loadCatalog({ recommended: 'test-model', entries: [entry] })).toThrow(message);
  });

  test('refuses a recommended id that is not in the catalog, and duplicate ids', () => {
    expect(() => loadCatalog({ recommended: 'other', entries: [pinned] })).toThrow(
      /recommended id/,
    );
    expect(() => loadCatalog({ recommended: 'test-model', entries: [pinned, pinned] })).toThrow(
      /unique/,
    );
  });
});
