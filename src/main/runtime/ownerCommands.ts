// `npm run owner -- link | rotate`: the owner page link over SSH. `link`
// prints the current one; `rotate` makes a new secret while Hearth is stopped
// (a running Hearth holds its secret in memory: rotate there with Settings >
// Sign out owner browsers, which also closes their connections at once). Each
// command prints what it did, or one line saying why not, and returns the exit code.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/config';
import {
  isOwnerSecret,
  ownerSecretPath,
  replaceStoredOwnerSecret,
  OWNER_PATH,
} from '../pairing/ownerSecret';
import { acquireDataDirLock } from '../storage/dataDirLock';
import { ensurePrivateDir } from '../storage/privateDir';
import type { Logger } from '../base/log';
import { ownerPageLine, ownerPageOrigin } from './ownerPage';

export interface OwnerCliIo {
  env: NodeJS.ProcessEnv;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  logger: Logger;
}

export const OWNER_USAGE = `Usage: npm run owner -- <command>

  link     print the owner page link (opening it makes a browser the owner)
  rotate   make a new owner secret while Hearth is stopped: every owner browser is signed out
`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

export async function runOwnerCli(argv: string[], io: OwnerCliIo): Promise<number> {
  const line = (stream: OwnerCliIo['out'], text: string): void => void stream.write(`${text}\n`);
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out.write(OWNER_USAGE);
    return EXIT_OK;
  }
  if ((command !== 'link' && command !== 'rotate') || rest.length > 0) {
    io.err.write(OWNER_USAGE);
    return EXIT_USAGE;
  }
  try {
    const config = loadConfig(io.env);
    const origin = ownerPageOrigin(config.host, config.port, config.tls);
    const link = (secret: string) =>
      ownerPageLine({ ...origin, url: `${origin.url}${OWNER_PATH}?secret=${secret}` });
    if (command === 'link') {
      const secret = await storedSecret(config.dataDir);
      line(io.out, link(secret));
      return EXIT_OK;
    }
    await ensurePrivateDir(config.dataDir, io.logger);
    // A running Hearth would keep its old secret in memory and write it back to no one.
    const lock = await acquireDataDirLock(config.dataDir, {
      processName: 'npm run owner -- rotate',
      logger: io.logger,
    }).catch((error: unknown) => {
      throw new Error(
        `${(error as Error).message}; while Hearth runs, use Settings > Sign out owner browsers`,
      );
    });
    try {
      const secret = await replaceStoredOwnerSecret(config.dataDir);
      line(io.out, 'A new owner secret is saved: every owner browser is signed out.');
      line(io.out, link(secret));
    } finally {
      await lock.dispose();
    }
    return EXIT_OK;
  } catch (error) {
    // A bad setting's ConfigError already names the setting.
    line(io.err, `hearth owner: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
}

async function storedSecret(dataDir: string): Promise<string> {
  const path = ownerSecretPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${path} does not exist yet: Hearth makes it when it first starts`);
    }
    throw error;
  }
  const secret = text.trim();
  if (!isOwnerSecret(secret)) {
    throw new Error(`${path} does not hold an owner secret; run npm run owner -- rotate`);
  }
  return secret;
}
