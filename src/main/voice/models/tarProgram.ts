// Runs GNU tar on a voice model archive. Why the system's tar and bzip2 rather
// than an npm library: both come with Raspberry Pi OS and Debian (bzip2 is one
// `apt install` on a minimal image), they run as child processes so the
// decompression of a 200 MB archive never occupies Hearth's event loop, and
// GNU tar is the reference reader of the format. The npm libraries that read
// .tar.bz2 decompress bzip2 in JavaScript on the calling thread, or are one
// maintainer's side project. Each run is owned by ChildProcesses: it runs in
// its own process group (tar starts bzip2), killed as a whole on cancel.
import type { ChildProcesses } from '../childProcesses';
import { VoiceCancelled, VoiceEngineMissing } from '../childProcesses';

/** An archive tar could not read or unpack; the message is a sentence fragment. */
export class TarFailure extends Error {
  override name = 'TarFailure';
  constructor(
    message: string,
    /** True when the disk filled up while unpacking. */
    readonly diskFull = false,
  ) {
    super(message);
  }
}

const INSTALL_HINT = 'sudo apt install tar bzip2';
/** A Pi decompresses bzip2 at tens of MB/s; this is a limit on a hang, not on a slow card. */
const TAR_TIMEOUT_MS = 30 * 60_000;

export interface TarRun {
  children: ChildProcesses;
  archive: string;
  signal?: AbortSignal;
}

/** `tar --list --verbose` of the archive, with numeric owners, full times and escaped names. */
export async function listArchive(run: TarRun): Promise<string> {
  const result = await tar(run, [
    '--list',
    '--verbose',
    '--bzip2',
    '--numeric-owner',
    '--full-time',
    '--quoting-style=escape',
    '--file',
    run.archive,
  ]);
  return result.toString('utf8');
}

/** Unpacks the archive into `directory`, owned by Hearth and with Hearth's permissions. */
export async function extractArchive(run: TarRun, directory: string): Promise<void> {
  await tar(run, [
    '--extract',
    '--bzip2',
    '--no-same-owner',
    '--no-same-permissions',
    '--no-overwrite-dir',
    '--file',
    run.archive,
    '--directory',
    directory,
  ]);
}

async function tar(run: TarRun, args: string[]): Promise<Buffer> {
  let result;
  try {
    result = await run.children.run({
      name: 'tar',
      command: 'tar',
      args,
      // English messages, to recognise a full disk or a missing bzip2.
      env: { ...process.env, LC_ALL: 'C' },
      signal: run.signal,
      timeoutMs: TAR_TIMEOUT_MS,
      maxOutputBytes: 16 * 1024 * 1024,
      installHint: INSTALL_HINT,
    });
  } catch (error) {
    if (error instanceof VoiceCancelled) throw error;
    if (error instanceof VoiceEngineMissing) {
      throw new TarFailure(`the tar program is missing (install it with: ${INSTALL_HINT})`);
    }
    throw new TarFailure(`tar failed (${(error as Error).message})`);
  }
  if (result.code === 0) return result.stdout;
  const said = result.stderrTail.trim().split('\n').filter(Boolean);
  const text = said.join(' ');
  if (/Cannot exec|bzip2: not found|No such file or directory.*bzip2/i.test(text)) {
    throw new TarFailure(`the bzip2 program is missing (install it with: ${INSTALL_HINT})`);
  }
  if (/No space left on device|Disk quota exceeded/i.test(text)) {
    throw new TarFailure('the disk filled up while unpacking it', true);
  }
  const last =
    said.find((line) => !/Exiting with failure status/.test(line)) ?? `exit ${result.code}`;
  throw new TarFailure(`the archive could not be read (${last.replace(/^tar: /, '')})`);
}
