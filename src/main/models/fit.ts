// Will this model fit in this machine's memory? Asked before the owner picks a
// model, so a 2 GB board says so instead of swapping itself to a standstill.
//
// A model file on disk gets node-llama-cpp's own estimate: its GGUF header read
// by readGgufFileInfo, and GgufInsights' configuration resolver scoring a
// CPU-only configuration at the context size Hearth uses against the memory a
// model may have here. A catalog model not downloaded yet has no header to
// read (reading it would fetch megabytes of vocabulary per entry), so it is
// estimated from the catalog's size and architecture figures instead.
import { freemem, totalmem } from 'node:os';
import { GgufInsights, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import { estimatedMemoryBytes, type CatalogEntry } from './catalog';
import { formatBytes } from './units';

/** Kept for Raspberry Pi OS, the compositor and Hearth's own window; an estimate. */
export const SYSTEM_RESERVE_BYTES = 700e6;

export interface MemoryState {
  total: number;
  free: number;
}

export interface FitOptions {
  /** Context tokens the model will run with (the contextSize setting). Default 2048. */
  contextSize?: number;
  /** This machine's memory; default from the OS. */
  memory?: MemoryState;
  /** Memory kept for everything but the model. */
  reserveBytes?: number;
  /** A loaded Llama, to spare loading the bindings again. */
  llama?: Llama;
}

export interface FitEstimate {
  fits: boolean;
  /** Memory the model needs at that context size. */
  neededBytes: number;
  /** Memory a model may use here: total memory less the reserve. */
  availableBytes: number;
  basis: 'gguf-file' | 'catalog';
  /** One sentence for the screen when it does not fit; null when it does. */
  warning: string | null;
}

function machineMemory(options: FitOptions): { memory: MemoryState; available: number } {
  const memory = options.memory ?? { total: totalmem(), free: freemem() };
  const available = Math.max(0, memory.total - (options.reserveBytes ?? SYSTEM_RESERVE_BYTES));
  return { memory, available };
}

function verdict(
  name: string,
  neededBytes: number,
  fits: boolean,
  memory: MemoryState,
  available: number,
  basis: FitEstimate['basis'],
): FitEstimate {
  const warning = fits
    ? null
    : `${name} needs about ${formatBytes(neededBytes)} of memory, but this machine has ` +
      `${formatBytes(memory.total)} and only about ${formatBytes(available)} is left for a model, ` +
      'so it would be very slow or fail to load; pick a smaller one.';
  return { fits, neededBytes, availableBytes: available, basis, warning };
}

/** Fit of a catalog entry, from the catalog's figures (nothing is downloaded). */
export function estimateCatalogFit(entry: CatalogEntry, options: FitOptions = {}): FitEstimate {
  const { memory, available } = machineMemory(options);
  const needed = estimatedMemoryBytes(entry, options.contextSize ?? 2048);
  return verdict(entry.displayName, needed, needed <= available, memory, available, 'catalog');
}

/** Fit of a model file on disk, by node-llama-cpp's estimate from its GGUF header. */
export async function estimateFileFit(
  path: string,
  displayName: string,
  options: FitOptions = {},
): Promise<FitEstimate> {
  const { memory, available } = machineMemory(options);
  const info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false });
  const insights = await GgufInsights.from(info, options.llama);
  const scored = await insights.configurationResolver.resolveAndScoreConfig(
    { targetGpuLayers: 0, targetContextSize: options.contextSize ?? 2048 },
    {
      // A Pi has no GPU offloading: only main memory counts, and swap is no help at decode speed.
      getRamState: async () => ({ total: available, free: available }),
      getSwapState: async () => ({ total: 0, free: 0 }),
      getVramState: async () => ({ total: 0, free: 0, unifiedSize: 0 }),
      llamaGpu: false,
      llamaSupportsGpuOffloading: false,
    },
  );
  const needed = scored.resolvedValues.totalRamUsage;
  const fits = scored.compatibilityScore > 0 && needed <= available;
  return verdict(displayName, needed, fits, memory, available, 'gguf-file');
}
