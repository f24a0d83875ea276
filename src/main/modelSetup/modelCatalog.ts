// The catalog as the setup screen shows it: each model with its size, the
// memory it needs, its expected speed on a Pi 5 and whether it fits this
// machine.
import type { CatalogModel } from '../../shared/api';
import { estimatedTokensPerSecond, type Catalog } from '../models/catalog';
import { estimateCatalogFit, type FitEstimate, type FitOptions } from '../models/fit';

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
