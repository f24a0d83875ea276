import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  catalogDownloadUrl,
  configuredCatalog,
  estimatedMemoryBytes,
  estimatedTokensPerSecond,
  findCatalogEntry,
  loadCatalog,
  loadCatalogFile,
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
      expect(entry.file.toLowerCase(), entry.id).toMatch(/q4_k_m\.gguf$/);
      expect(entry.sizeBytes, entry.id).toBeLessThan(1.2e9);
      expect(estimatedMemoryBytes(entry), entry.id).toBeLessThan(2e9);
    }
  });

  test('pins every entry: a commit-addressed https address, an LFS sha256 and the exact size', () => {
    for (const entry of catalog.entries) {
      expect(entry.revision, entry.id).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.sha256, entry.id).toMatch(/^[0-9a-f]{64}$/);
      expect(catalogDownloadUrl(entry), entry.id).toBe(
        `https://huggingface.co/${entry.repository}/resolve/${entry.revision}/${entry.file}`,
      );
    }
  });

  test('holds 0.5B to 1.5B models only', () => {
    for (const entry of catalog.entries) {
      const billions = Number(entry.parameters.replace(/B$/, ''));
      expect(billions, entry.id).toBeGreaterThanOrEqual(0.5);
      expect(billions, entry.id).toBeLessThanOrEqual(1.5);
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

describe('loadCatalogFile', () => {
  const files: string[] = [];
  const write = (text: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-catalog-')), 'catalog.json');
    writeFileSync(path, text);
    files.push(path);
    return path;
  };
  afterEach(() => {
    for (const path of files.splice(0)) rmSync(dirname(path), { recursive: true, force: true });
  });

  test('reads a valid catalog file in place of the built-in one', () => {
    const path = write(JSON.stringify({ recommended: 'test-model', entries: [pinned] }));
    expect(configuredCatalog(path).entries.map((e) => e.id)).toEqual(['test-model']);
    expect(configuredCatalog(undefined).recommended).toBe(loadCatalog().recommended);
  });

  test('names the file and the problem when it is not JSON, missing, or not a catalog', () => {
    const broken = write('{ "recommended": ');
    expect(() => loadCatalogFile(broken)).toThrow(
      new RegExp(`^HEARTH_CATALOG_FILE ${broken} cannot be read as JSON`),
    );
    expect(() => loadCatalogFile('/nonexistent/catalog.json')).toThrow(
      /^HEARTH_CATALOG_FILE \/nonexistent\/catalog\.json cannot be read/,
    );
    const wrong = write(JSON.stringify({ recommended: 'x', entries: [] }));
    expect(() => loadCatalogFile(wrong)).toThrow(
      new RegExp(`^HEARTH_CATALOG_FILE ${wrong}: The model catalog is invalid at entries`),
    );
  });
});
