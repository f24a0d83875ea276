// What a voice model archive may hold, decided from GNU tar's listing before
// a byte of it is unpacked: only regular files and folders (no links, devices
// or fifos), every name a plain relative path under the entry's one root folder
// (no absolute path, no `..`, nothing tar had to escape), and no more files or
// bytes than the caps. The same rules are checked again on what tar actually
// wrote (unpackedTree.ts), so a listing that lied could not get past them.

import { formatBytes } from '../../models/units';

/** One line of `tar --list --verbose`. */
export interface ArchiveMember {
  /** tar's type letter: '-' file, 'd' folder, 'l' symlink, 'h' hard link, 'c'/'b' device, 'p' fifo… */
  type: string;
  /** The name as stored, without a folder's trailing slash. */
  name: string;
  sizeBytes: number;
}

export interface UnpackLimits {
  /** Most bytes the unpacked files may add up to. */
  maxBytes: number;
  /** Most files and folders the archive may hold. */
  maxEntries: number;
}

/** The name Hearth writes its manifest under, in the model's folder; an archive may not hold it. */
export const MANIFEST_NAME = 'hearth-manifest.json';

// "-rw-r--r-- 0/0   1234 2024-01-01 00:00:00 root/name": with --numeric-owner and --full-time.
const LINE = /^(\S)\S*\s+\S+\s+(\d+|\d+,\s*\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?\s(.+)$/;

/** Parses the listing; throws a sentence fragment for a line it cannot read. */
export function parseListing(text: string): ArchiveMember[] {
  const members: ArchiveMember[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`tar listed a line Hearth cannot read ("${line.slice(0, 80)}")`);
    const [, type = '', size = '0', rawName = ''] = match;
    // A link's target follows its name; the link is refused anyway, by its name.
    const name =
      type === 'l'
        ? rawName.split(' -> ')[0]
        : type === 'h'
          ? rawName.split(' link to ')[0]
          : rawName;
    members.push({
      type,
      name: (name ?? rawName).replace(/\/+$/, ''),
      sizeBytes: /^\d+$/.test(size) ? Number(size) : 0,
    });
  }
  return members;
}

const KINDS: Record<string, string> = {
  l: 'a symbolic link',
  h: 'a hard link',
  c: 'a device',
  b: 'a device',
  p: 'a named pipe',
};

/**
 * Why these members may not be unpacked for a model whose archive unpacks into
 * `root`, as a sentence fragment naming the member; null when they may. The
 * files the entry names are checked after unpacking (requiredPaths).
 */
export function memberProblem(
  members: readonly ArchiveMember[],
  root: string,
  limits: UnpackLimits,
): string | null {
  let bytes = 0;
  if (members.length > limits.maxEntries) {
    return `it holds ${members.length} entries, more than the ${limits.maxEntries} allowed`;
  }
  for (const member of members) {
    const name = JSON.stringify(member.name);
    if (member.type !== '-' && member.type !== 'd') {
      return `it holds ${KINDS[member.type] ?? `an entry of type "${member.type}"`} (${name}), and only files and folders are allowed`;
    }
    if (member.name.startsWith('/')) return `it holds an absolute path (${name})`;
    const parts = member.name.split('/');
    if (parts.includes('..')) return `it holds a path that leads out of its folder (${name})`;
    // GNU tar escapes control characters and backslashes; no model file needs one.
    if (member.name.includes('\\') || [...member.name].some(isControl)) {
      return `it holds a name with unusual characters (${name})`;
    }
    const inside = parts.filter((part) => part !== '.' && part !== '');
    if (inside[0] !== root) return `it holds ${name}, outside its folder ${root}`;
    if (inside.length === 2 && inside[1] === MANIFEST_NAME) {
      return `it holds a file named ${MANIFEST_NAME}, which is Hearth's own`;
    }
    bytes += member.sizeBytes;
    if (bytes > limits.maxBytes) {
      return `it unpacks to more than ${formatBytes(limits.maxBytes)}, more than a voice model needs`;
    }
  }
  return null;
}

/** The unpacked size the listing announces. */
export function listedBytes(members: readonly ArchiveMember[]): number {
  return members.reduce((sum, member) => sum + member.sizeBytes, 0);
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
