// The renderer bundle's size, raw and gzipped: phones load it over Wi-Fi. Reads
// what `npm run build` left in out/renderer. Alone: `node --import tsx bench/bundle.ts`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
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
  return rows;
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
