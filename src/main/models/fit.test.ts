import { describe, expect, test } from 'vitest';
import { FIXTURE_MODEL_PATH } from '../../testing/models/modelServer';
import { estimatedMemoryBytes, findCatalogEntry, loadCatalog } from './catalog';
import { estimateCatalogFit, estimateFileFit } from './fit';

const GB = 1e9;
const catalog = loadCatalog();
const entry = (id: string) => {
  const found = findCatalogEntry(catalog, id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return found;
};

describe('estimateCatalogFit', () => {
  test('every catalog model fits a 4 GB Pi 5', () => {
    for (const model of catalog.entries) {
      const fit = estimateCatalogFit(model, { memory: { total: 4 * GB, free: 3 * GB } });
      expect(fit, model.id).toMatchObject({ fits: true, warning: null, basis: 'catalog' });
    }
  });

  test('warns in one sentence when a model is too big for a 1 GB board', () => {
    const fit = estimateCatalogFit(entry('qwen2.5-1.5b-instruct'), {
      memory: { total: 1 * GB, free: 0.8 * GB },
    });
    expect(fit.fits).toBe(false);
    expect(fit.availableBytes).toBe(0.3 * GB);
    expect(fit.warning).toBe(
      'Qwen2.5 1.5B Instruct needs about 1.5 GB of memory, but this machine has 1.0 GB and only about 300 MB is left for a model, so it would be very slow or fail to load; pick a smaller one.',
    );
  });

  test('a longer context needs more memory and can tip a model over', () => {
    const model = entry('qwen2.5-1.5b-instruct');
    const memory = { total: estimatedMemoryBytes(model, 2048) + 700e6, free: 1 * GB };
    expect(estimateCatalogFit(model, { memory, contextSize: 2048 }).fits).toBe(true);
    expect(estimateCatalogFit(model, { memory, contextSize: 8192 }).fits).toBe(false);
  });
});

describe('estimateFileFit', () => {
  test("uses node-llama-cpp's estimate from the file's GGUF header", async () => {
    const roomy = await estimateFileFit(FIXTURE_MODEL_PATH, 'Stories', {
      memory: { total: 8 * GB, free: 8 * GB },
    });
    expect(roomy).toMatchObject({ fits: true, basis: 'gguf-file', warning: null });
    // The weights alone are 1.17 MB; the KV cache for 2048 tokens comes on top.
    expect(roomy.neededBytes).toBeGreaterThan(1_171_200);

    const cramped = await estimateFileFit(FIXTURE_MODEL_PATH, 'Stories', {
      memory: { total: 2e6, free: 2e6 },
      reserveBytes: 0,
    });
    expect(cramped.fits).toBe(false);
    expect(cramped.warning).toMatch(
      /^Stories needs about [\d.]+ MB of memory, but this machine has 2\.0 MB/,
    );
  });
});
