// The models a Pi 5 owner can pick on first run: small instruct models in
// Q4_K_M, each one file of one hub repository, always downloaded from one
// commit and checked against a sha256 so that a download means known bytes.
//
// An entry pins that commit and checksum: the revision is the repository's
// commit hash and the sha256 is the LFS checksum the hub publishes for the
// file at that commit (https://huggingface.co/api/models/<repo>/revision/main
// gives the commit, .../tree/<commit> each file's lfs.oid and size). A catalog
// given in HEARTH_CATALOG_FILE may leave both null: the downloader then asks
// the hub the same two questions when the owner picks the model (hubPin.ts),
// fetches the file from the commit main is at then, and checks the sha256 and
// size the hub publishes for it there.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { hubFileUrl } from './source';

/** Measured copy bandwidth of a Pi 5; decoding reads every weight once per token. */
export const PI5_MEMORY_BANDWIDTH_BYTES_PER_S = 6e9;
/** What llama.cpp needs besides weights and KV cache: compute buffers, tokenizer, threads. */
const RUNTIME_OVERHEAD_BYTES = 300e6;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits');
const commitHash = z.string().regex(/^[0-9a-f]{40}$/, 'a revision is a 40-digit commit hash');

export const catalogEntrySchema = z
  .object({
    /** Stable id for the CLI and settings, e.g. "qwen2.5-1.5b-instruct". */
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    displayName: z.string().min(1),
    /** Hub repository, "owner/name". */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    /** The file inside the repository; also its name in <dataDir>/models. */
    file: z.string().regex(/^[\w.-]+\.gguf$/),
    /** Commit hash the file is pinned to; null: the commit main is at when it is downloaded. */
    revision: commitHash.nullable(),
    /** The hub's LFS sha256 of the file at that revision; null: the hub's, when downloaded. */
    sha256: sha256Hex.nullable(),
    sizeBytes: z.number().int().positive(),
    /** KV cache bytes per context token (f16 K and V: 2 x layers x KV heads x head size x 2 bytes). */
    kvBytesPerToken: z.number().int().positive(),
    parameters: z.string().min(1),
    licence: z.string().min(1),
    description: z.string().min(1),
  })
  .refine((entry) => (entry.revision === null) === (entry.sha256 === null), {
    message: 'revision and sha256 are pinned together: both set or both null',
  });

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const catalogSchema = z
  .object({
    recommended: z.string(),
    entries: z.array(catalogEntrySchema).min(1),
  })
  .refine((c) => c.entries.some((e) => e.id === c.recommended), {
    message: 'the recommended id must be one of the entries',
  })
  .refine((c) => new Set(c.entries.map((e) => e.id)).size === c.entries.length, {
    message: 'catalog ids must be unique',
  });

export type Catalog = z.infer<typeof catalogSchema>;

// Each pin (commit, LFS sha256, size) was taken from public projects that
// download these exact files and check them; several independent ones agree
// on each. A pinned entry never asks the hub.
const builtIn: Catalog = {
  // Best answers that still decode at reading speed on a Pi 5, and fits a 2 GB board.
  recommended: 'qwen2.5-1.5b-instruct',
  entries: [
    {
      id: 'qwen2.5-0.5b-instruct',
      displayName: 'Qwen2.5 0.5B Instruct',
      repository: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
      file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
      revision: '9217f5db79a29953eb74d5343926648285ec7e67',
      sha256: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db',
      sizeBytes: 491_400_032,
      kvBytesPerToken: 2 * 24 * 2 * 64 * 2,
      parameters: '0.5B',
      licence: 'Apache-2.0',
      description: 'Fastest; short, simple answers.',
    },
    {
      id: 'qwen2.5-1.5b-instruct',
      displayName: 'Qwen2.5 1.5B Instruct',
      repository: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
      file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
      revision: '91cad51170dc346986eccefdc2dd33a9da36ead9',
      sha256: '6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e',
      sizeBytes: 1_117_320_736,
      kvBytesPerToken: 2 * 28 * 2 * 128 * 2,
      parameters: '1.5B',
      licence: 'Apache-2.0',
      description: 'Good everyday answers at reading speed.',
    },
    {
      id: 'llama3.2-1b-instruct',
      displayName: 'Llama 3.2 1B Instruct',
      repository: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
      file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
      revision: '067b946cf014b7c697f3654f621d577a3e3afd1c',
      sha256: '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83',
      sizeBytes: 807_694_464,
      kvBytesPerToken: 2 * 16 * 8 * 64 * 2,
      parameters: '1.2B',
      licence: 'Llama 3.2 Community License',
      description: "Meta's small model; friendly conversation.",
    },
    {
      id: 'gemma3-1b-instruct',
      displayName: 'Gemma 3 1B Instruct',
      repository: 'bartowski/google_gemma-3-1b-it-GGUF',
      file: 'google_gemma-3-1b-it-Q4_K_M.gguf',
      revision: '116f76234503685a98f572982177b11d44ec8ff1',
      sha256: '12bf0fff8815d5f73a3c9b586bd8fee8e7b248c935de70dec367679873d0f29d',
      sizeBytes: 806_058_496,
      // One KV head of 256 across 26 layers: the smallest conversation memory here.
      kvBytesPerToken: 2 * 26 * 1 * 256 * 2,
      parameters: '1B',
      licence: 'Gemma Terms of Use',
      description: "Google's small model; many languages, long conversations.",
    },
  ],
};

/** The catalog HEARTH_CATALOG_FILE names, else the built-in one. */
export function configuredCatalog(catalogFile: string | undefined): Catalog {
  return catalogFile ? loadCatalogFile(catalogFile) : loadCatalog();
}

/** Validates a catalog; throws one sentence naming the first problem. */
export function loadCatalog(raw: unknown = builtIn): Catalog {
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(
      `The model catalog is invalid${where}: ${issue?.message ?? 'unknown problem'}.`,
    );
  }
  return parsed.data;
}

/**
 * The catalog a test or a local mirror puts in place of the built-in one
 * (HEARTH_CATALOG_FILE), validated; throws one sentence naming the file and the problem.
 */
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

export function findCatalogEntry(catalog: Catalog, id: string): CatalogEntry | undefined {
  const wanted = id.toLowerCase();
  return catalog.entries.find((entry) => entry.id === wanted);
}

/**
 * The download address at the catalog's pinned revision, or null when the
 * catalog does not pin one (the downloader then asks the hub which commit to
 * use). Never a moving branch such as "main".
 */
export function catalogDownloadUrl(
  entry: Pick<CatalogEntry, 'repository' | 'file' | 'revision'>,
  hub = 'https://huggingface.co/',
): string | null {
  if (entry.revision === null) return null;
  return hubFileUrl(hub, entry.repository, entry.revision, entry.file);
}

/**
 * Decoding speed on a Pi 5, an estimate: decoding is bound by memory
 * bandwidth, so about bandwidth / model size tokens per second.
 */
export function estimatedTokensPerSecond(entry: Pick<CatalogEntry, 'sizeBytes'>): number {
  return Math.round((PI5_MEMORY_BANDWIDTH_BYTES_PER_S / entry.sizeBytes) * 10) / 10;
}

/** Memory to run the model with this many context tokens, an estimate. */
export function estimatedMemoryBytes(
  entry: Pick<CatalogEntry, 'sizeBytes' | 'kvBytesPerToken'>,
  contextTokens = 2048,
): number {
  return entry.sizeBytes + entry.kvBytesPerToken * contextTokens + RUNTIME_OVERHEAD_BYTES;
}
