// The catalog as the setup screen shows it: each model with its size, the
// memory it needs, its expected speed on a Pi 5 and whether it fits this
// machine. And the catalog file a test or a local mirror can put in place of
// the built-in one (HEARTH_CATALOG_FILE).
import { readFileSync } from 'node:fs';
import type { CatalogModel } from '../../shared/api';
import { estimatedTokensPerSecond, loadCatalog, type Catalog } from '../models/catalog';
import { estimateCatalogFit, type FitEstimate, type FitOptions } from '../models/fit';

/** The catalog in that file, validated; throws one sentence naming the file and the problem. */
export function loadCatalogFile(path: string): Catalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `HEARTH_CATALOG_FILE ${path} cannot be read as JSON (${(error as Error).message}).`,
    );
  }
  try {
    return loadCatalog(raw);
  } catch (error) {
    throw new Error(`HEARTH_CATALOG_FILE ${path}: ${(error as Error).message}`);
  }
}

/** The fields every model listing carries about memory. */
export function fitFields(fit: FitEstimate): Pick<CatalogModel, 'fits' | 'memoryBytes'> & {
  fitWarning?: string;
} {
  return {
    fits: fit.fits,
    memoryBytes: fit.neededBytes,
    ...(fit.warning === null ? {} : { fitWarning: fit.warning }),
  };
}

export function catalogModels(
  catalog: Catalog,
  installedIds: ReadonlySet<string>,
  fitOptions: FitOptions,
): CatalogModel[] {
  return catalog.entries.map((entry) => ({
    id: entry.id,
    displayName: entry.displayName,
    parameters: entry.parameters,
    licence: entry.licence,
    description: entry.description,
    sizeBytes: entry.sizeBytes,
    tokensPerSecond: estimatedTokensPerSecond(entry),
    recommended: entry.id === catalog.recommended,
    pinned: entry.revision !== null && entry.sha256 !== null,
    installed: installedIds.has(entry.id),
    ...fitFields(estimateCatalogFit(entry, fitOptions)),
  }));
}
