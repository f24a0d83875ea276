// Voice model archives for tests: real ustar archives written byte by byte
// (so a test can put in what GNU tar would refuse to create: `../` names,
// absolute paths, links, fifos), compressed by the system's bzip2, and a
// catalog entry that pins one served from a loopback server. Test-only.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { PiperEntry, VoiceCatalogEntry } from '../main/voice/models/voiceCatalog';

export interface TarItem {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo';
  content?: string | Buffer;
  /** A link's target. */
  linkTo?: string;
}

const TYPE_FLAG = { file: '0', hardlink: '1', symlink: '2', fifo: '6', dir: '5' } as const;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, length, 'utf8');
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** An uncompressed ustar archive of the items, in order. */
export function tarBytes(items: readonly TarItem[]): Buffer {
  const blocks: Buffer[] = [];
  for (const item of items) {
    const type = item.type ?? 'file';
    const body = type === 'file' ? Buffer.from(item.content ?? '') : Buffer.alloc(0);
    const header = Buffer.alloc(512);
    field(header, 0, 100, item.name);
    field(header, 100, 8, octal(type === 'dir' ? 0o755 : 0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(body.length, 12));
    field(header, 136, 12, octal(1_700_000_000, 12));
    field(header, 148, 8, '        ');
    field(header, 156, 1, TYPE_FLAG[type]);
    field(header, 157, 100, item.linkTo ?? '');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The items as a .tar.bz2, compressed by the system's bzip2 as the real archives are. */
export function tarBz2(items: readonly TarItem[]): Buffer {
  return execFileSync('bzip2', ['-c', '-9'], { input: tarBytes(items) });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A Piper-shaped model's files under `root`: model, tokens and an espeak-ng-data folder. */
export function piperItems(root: string, model = 'onnx bytes '.repeat(2000)): TarItem[] {
  return [
    { name: `${root}/`, type: 'dir' },
    { name: `${root}/voice.onnx`, content: model },
    { name: `${root}/tokens.txt`, content: 'a 1\nb 2\n' },
    { name: `${root}/espeak-ng-data/`, type: 'dir' },
    { name: `${root}/espeak-ng-data/phontab`, content: 'phonemes' },
    { name: `${root}/espeak-ng-data/lang/en`, content: 'english' },
  ];
}

/** A catalog entry pinning `archive` (its sha256 and size) at `url`. */
export function piperEntry(
  id: string,
  url: string,
  archive: Buffer,
  overrides: Partial<PiperEntry> = {},
): VoiceCatalogEntry {
  return {
    id,
    kind: 'voice',
    engine: 'piper',
    displayName: `Test voice ${id}`,
    description: 'A voice for tests.',
    licence: 'MIT',
    url,
    sha256: sha256(archive),
    sizeBytes: archive.length,
    archiveRoot: id,
    recommended: false,
    files: { model: 'voice.onnx', tokens: 'tokens.txt', dataDir: 'espeak-ng-data' },
    sampleRate: 16_000,
    ...overrides,
  };
}
