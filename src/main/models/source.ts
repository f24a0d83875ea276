// Which addresses a model may come from, and the file name it gets here.
// Only https: a model is code-like (it steers what the assistant says), so it
// must not be swappable on the way. Plain http is allowed to this computer
// only, which is what tests and a local mirror use. Every redirect hop is held
// to the same rule.
import { z } from 'zod';
import { isLoopbackHost } from '../config/config';

export class RefusedSourceError extends Error {
  override name = 'RefusedSourceError';
}

export interface ModelSource {
  /** The address to download, after mapping an hf: URI. */
  url: string;
  /** Name of the model file in the models directory. */
  fileName: string;
}

/** Null when the address may be fetched, else why not (a sentence fragment). */
export function refusalFor(address: string | URL): string | null {
  let url: URL;
  try {
    url = typeof address === 'string' ? new URL(address) : address;
  } catch {
    return 'that is not a web address';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? null
      : 'only https addresses are allowed (plain http only to this computer)';
  }
  return `only https addresses are allowed, not ${url.protocol.replace(/:$/, '')}`;
}

const modelFileName = z
  .string()
  .regex(/\.gguf$/i, 'the address does not name a .gguf file')
  .refine((name) => !/-\d{5}-of-\d{5}\.gguf$/i.test(name), {
    message: 'split models (-00001-of-0000N.gguf) are not supported; pick a single-file one',
  });

/** The name a downloaded file gets: the address's last segment, made safe for a file name. */
export function fileNameFromUrl(address: string): string {
  const last = decodeURIComponent(new URL(address).pathname.split('/').pop() ?? '');
  const safe = last.replace(/[^\w.-]/g, '_').replace(/^\.+/, '');
  const checked = modelFileName.safeParse(safe);
  if (!checked.success) {
    throw new RefusedSourceError(checked.error.issues[0]?.message ?? 'not a model file');
  }
  return safe;
}

/**
 * The hub endpoint, with the same variables and precedence node-llama-cpp's
 * resolver uses, so an hf: URI means the same thing here and there.
 */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.MODEL_ENDPOINT || env.HF_ENDPOINT || 'https://huggingface.co/';
  return chosen.endsWith('/') ? chosen : `${chosen}/`;
}

const HF_PREFIX = /^(hf:\/\/|hf:|huggingface:)/i;

export function isHubUri(input: string): boolean {
  return HF_PREFIX.test(input);
}

export interface HubFileRef {
  /** "owner/name" */
  repository: string;
  /** The file's path in the repository (it may be in a folder). */
  path: string;
  /** The revision after `#`, or null when the URI names none (main). */
  revision: string | null;
}

/**
 * Reads `hf:<owner>/<repo>/<path/to/file.gguf>#<revision>`, node-llama-cpp's
 * documented file form. The quantization form, `hf:<owner>/<repo>:Q4_K_M`,
 * needs the hub's API to choose a file and moves with the repository; it is
 * refused in favour of naming the file.
 */
export function parseHubUri(uri: string): HubFileRef {
  const body = uri.replace(HF_PREFIX, '');
  const [pathPart = '', revision] = body.split('#', 2);
  const [owner, repo, ...rest] = pathPart.split('/');
  if (!owner || !repo || rest.length === 0 || repo.includes(':') || rest.includes('')) {
    throw new RefusedSourceError(
      'name the file in the hf: address, as hf:<owner>/<repo>/<file>.gguf#<revision>',
    );
  }
  return { repository: `${owner}/${repo}`, path: rest.join('/'), revision: revision || null };
}

/** A file's address on the hub at one revision; each path segment is encoded on its own. */
export function hubFileUrl(
  endpoint: string,
  repository: string,
  revision: string,
  path: string,
): string {
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `${base}${repository}/resolve/${encodeURIComponent(revision)}/${encoded}`;
}

/** Maps an hf: URI (see parseHubUri) to its https address on the hub. */
export function hubUriToUrl(uri: string, env: NodeJS.ProcessEnv = process.env): string {
  const { repository, path, revision } = parseHubUri(uri);
  return hubFileUrl(hubEndpoint(env), repository, revision ?? 'main', path);
}

/** Resolves what the user typed (an https URL or an hf: URI) to a source, or refuses it. */
export function resolveSource(input: string, env: NodeJS.ProcessEnv = process.env): ModelSource {
  const url = isHubUri(input) ? hubUriToUrl(input, env) : input;
  const refusal = refusalFor(url);
  if (refusal) {
    throw new RefusedSourceError(
      isHubUri(input) ? `${refusal} (the hub endpoint is ${hubEndpoint(env)})` : refusal,
    );
  }
  return { url, fileName: fileNameFromUrl(url) };
}
