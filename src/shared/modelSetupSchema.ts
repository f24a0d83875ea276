// Model setup as clients see it: the catalog, files that can be loaded, and a
// download's progress. Part of the API defined in api.ts.
import { z } from 'zod/mini';

/** A model download, or a copy from a USB stick, from start to the model loading. */
export const modelDownload = z.object({
  state: z.enum(['downloading', 'copying', 'verifying', 'loading', 'done', 'failed', 'cancelled']),
  /** The model's name as the catalog gives it, else its file name. */
  model: z.string(),
  catalogId: z.optional(z.string()),
  /** Bytes so far: downloaded or copied, or checked while verifying. */
  bytes: z.number().check(z.nonnegative()),
  total: z.nullable(z.number().check(z.nonnegative())),
  bytesPerSecond: z.number().check(z.nonnegative()),
  secondsLeft: z.nullable(z.number().check(z.nonnegative())),
  /** One sentence, when it failed or was cancelled. */
  error: z.optional(z.string()),
});
export type ModelDownload = z.infer<typeof modelDownload>;

/** Whether a model fits this machine's memory (node-llama-cpp's estimate, or the catalog's). */
const modelFit = {
  fits: z.boolean(),
  /** Memory the model needs at Hearth's context size. */
  memoryBytes: z.number().check(z.nonnegative()),
  /** One sentence when it does not fit. */
  fitWarning: z.optional(z.string()),
};

export const catalogModel = z.object({
  id: z.string(),
  displayName: z.string(),
  parameters: z.string(),
  licence: z.string(),
  description: z.string(),
  sizeBytes: z.number().check(z.nonnegative()),
  /** Decoding speed on a Raspberry Pi 5, an estimate. */
  tokensPerSecond: z.number().check(z.nonnegative()),
  recommended: z.boolean(),
  /**
   * The catalog fixes the revision and checksum; otherwise they are taken from
   * the hub (the commit its main branch is at, and the sha256 it publishes)
   * when downloading. Either way the download is checked.
   */
  pinned: z.boolean(),
  installed: z.boolean(),
  ...modelFit,
});
export type CatalogModel = z.infer<typeof catalogModel>;

/** A .gguf file Hearth can load: in its models folder, or on a USB stick. */
export const modelFile = z.object({
  path: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().check(z.nonnegative()),
  location: z.enum(['models', 'usb']),
  catalogId: z.optional(z.string()),
  /** The model Hearth is answering with (or loading). */
  current: z.boolean(),
  ...modelFit,
});
export type ModelFile = z.infer<typeof modelFile>;

export const modelList = z.object({
  catalog: z.array(catalogModel),
  /** Models in the models folder. */
  installed: z.array(modelFile),
  /** Downloads that stopped midway; downloading again continues them. */
  unfinished: z.array(
    z.object({
      fileName: z.string(),
      bytes: z.number(),
      total: z.nullable(z.number()),
      /** The catalog model it is a download of, if any. */
      catalogId: z.nullable(z.string()),
    }),
  ),
  /** The model file in use, if any. */
  currentPath: z.optional(z.string()),
  /** The download or copy under way (or the last one), if any. */
  download: z.nullable(modelDownload),
});
export type ModelList = z.infer<typeof modelList>;
