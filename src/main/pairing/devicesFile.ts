// <dataDir>/devices.json: the paired devices, with only a hash of each token.
// Replaced atomically (a crash or power cut leaves the old file or the new one,
// never a torn mix) and validated on load. A file that fails validation is
// set aside for the owner to look at, and Hearth starts with no paired devices
// rather than refusing to start: phones can be paired again.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../base/log';
import { removeLeftoverTemps, writeFileAtomicMarked } from '../base/atomicWrite';
import { nodeFileSystem } from '../base/fileSystem';

export const DEVICES_FILE = 'devices.json';

const storedDevice = z
  .object({
    id: z.uuid(),
    name: z.string().min(1).max(200),
    firstSeen: z.number().int().nonnegative(),
    lastSeen: z.number().int().nonnegative(),
    /** sha256 of the device token, hex. */
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type StoredDevice = z.infer<typeof storedDevice>;

const devicesDocument = z
  .object({ version: z.literal(1), devices: z.array(storedDevice) })
  .strict();

export function devicesPath(dataDir: string): string {
  return join(dataDir, DEVICES_FILE);
}

/** The stored devices; [] when there is no file yet or it was corrupt (then it is set aside). */
export async function readDevices(path: string, logger: Logger): Promise<StoredDevice[]> {
  // Temp files of writes that a crash cut short; the real file is intact.
  await removeLeftoverTemps(nodeFileSystem, path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let problem: string;
  try {
    const parsed = devicesDocument.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.devices;
    problem = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
  } catch (error) {
    problem = `not valid JSON (${(error as Error).message})`;
  }
  const asideTo = `${path}.corrupt-${Date.now()}`;
  await rename(path, asideTo);
  logger.warn('devices_file_corrupt', { path, setAsideTo: asideTo, problem });
  return [];
}

export async function writeDevices(path: string, devices: readonly StoredDevice[]): Promise<void> {
  const document = { version: 1 as const, devices };
  await writeFileAtomicMarked(nodeFileSystem, path, `${JSON.stringify(document, null, 2)}\n`);
}
