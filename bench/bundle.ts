// The renderer bundle's size, raw and gzipped: phones load it over Wi-Fi. Reads
// what `npm run build` left in out/renderer. Alone: `node --import tsx bench/bundle.ts`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import { printTable, type BenchRow } from './stats';

const rendererDir = resolve(import.meta.dirname, '..', 'out', 'renderer');

/** Sizes in KiB of the built renderer's JavaScript and CSS, each raw and gzipped (level 9). */
export async function bundleRows(dir: string = rendererDir): Promise<BenchRow[]> {
  const files = existsSync(dir) ? filesUnder(dir) : [];
  if (!files.some((file) => extname(file) === '.js')) {
    throw new Error(`no JavaScript under ${dir}: run \`npm run build\` first`);
  }
  const rows: BenchRow[] = [];
  for (const [kind, ext] of [
    ['JS', '.js'],
    ['CSS', '.css'],
  ] as const) {
    const contents = files.filter((file) => extname(file) === ext).map((f) => readFileSync(f));
    const raw = contents.reduce((sum, c) => sum + c.length, 0);
    const gzipped = contents.reduce(
      (sum, c) => sum + gzipSync(c, { level: constants.Z_BEST_COMPRESSION }).length,
      0,
    );
    rows.push({ name: `renderer ${kind} bundle, raw`, value: kib(raw), unit: 'KiB' });
    rows.push({ name: `renderer ${kind} bundle, gzipped`, value: kib(gzipped), unit: 'KiB' });
  }
  rows.push(firstLoadRow(dir));
  return rows;
}

/** The most a phone's first visit may download, in bytes over the wire. */
export const FIRST_LOAD_BUDGET_BYTES = 150_000;

/**
 * What a phone downloads on its first visit over plain HTTP to a LAN address,
 * where Chromium offers only gzip and deflate: index.html and every file it
 * loads before anything is shown (its scripts and styles, and their static
 * imports), each as the .gz the server sends. Lazy chunks (the on-screen
 * keyboard, the Connect-a-phone sheet) are not part of it.
 */
export function firstLoadRow(dir: string = rendererDir): BenchRow {
  const files = firstLoadFiles(dir);
  const bytes = files.reduce((sum, file) => sum + gzipSize(file), 0);
  return {
    name: `phone first load over the wire, gzip (${files.length} files)`,
    value: Math.round(bytes / 100) / 10,
    unit: 'kB',
    target: `<= ${FIRST_LOAD_BUDGET_BYTES / 1000} kB`,
    pass: bytes <= FIRST_LOAD_BUDGET_BYTES,
  };
}

/** index.html and the scripts and styles it loads eagerly, following static imports. */
export function firstLoadFiles(dir: string): string[] {
  const index = join(dir, 'index.html');
  const html = readFileSync(index, 'utf8');
  const queue = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*>/g)]
    .filter(([tag]) => !/rel="(?:icon|preconnect|prefetch)"/.test(tag ?? ''))
    .map(([, ref]) => resolve(dir, (ref ?? '').replace(/^\//, '')))
    .filter((file) => existsSync(file));
  const seen = new Set<string>([index]);
  while (queue.length) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (extname(file) !== '.js') continue;
    // Static imports only (import x from "./a.js", import "./a.js"); import("./a.js") is lazy.
    for (const [, ref] of readFileSync(file, 'utf8').matchAll(
      /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g,
    )) {
      queue.push(resolve(dirname(file), ref ?? ''));
    }
  }
  return [...seen];
}

/** The .gz the build wrote beside a file, or the file gzipped here when there is none. */
function gzipSize(file: string): number {
  const gz = `${file}.gz`;
  if (existsSync(gz)) return statSync(gz).size;
  return gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }).length;
}

function kib(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    printTable(await bundleRows());
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
