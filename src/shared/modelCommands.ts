// The language model commands of the API (api.ts spreads them into its table):
// the catalog, downloads, files on USB sticks, removal.
import { z } from 'zod/mini';
import { empty, ok } from './commandParts';
import { modelDownload, modelFile, modelList } from './modelSetupSchema';

export const modelCommands = {
  /** The catalog (with this machine's fit), installed models, the current one, a download under way. */
  listModels: { args: empty, result: modelList, owner: true },
  /** Starts downloading a catalog model, or a .gguf from an https address with its sha256. */
  downloadModel: {
    args: z.union([
      z.strictObject({ catalogId: z.string().check(z.minLength(1), z.maxLength(100)) }),
      z.strictObject({
        url: z.string().check(z.minLength(1), z.maxLength(2000)),
        sha256: z.optional(
          z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits')),
        ),
      }),
    ]),
    result: modelDownload,
    owner: true,
  },
  cancelDownload: { args: empty, result: z.object({ cancelled: z.boolean() }), owner: true },
  /** .gguf files in the models folder and on USB sticks. */
  listModelFiles: { args: empty, result: z.array(modelFile), owner: true },
  /** Switches to a listed .gguf file (a file on a USB stick is copied in first). */
  useModelFile: {
    args: z.strictObject({ path: z.string().check(z.minLength(1), z.maxLength(4096)) }),
    result: modelDownload,
    owner: true,
  },
  /**
   * Deletes an installed model, or an unfinished download, from the models folder
   * to free space; refused for the model in use and one being downloaded or copied.
   */
  removeModel: {
    args: z.strictObject({
      /** As the models folder names it: no path, not hidden. */
      fileName: z
        .string()
        .check(
          z.maxLength(255),
          z.regex(/^[^./\\\0][^/\\\0]*\.gguf$/i, 'expected a model file name ending in .gguf'),
        ),
    }),
    result: ok,
    owner: true,
  },
} as const;
