// Entry point of `npm run owner -- <command>` (see ownerCommands.ts).
import { createLogger } from '../base/log';
import { runOwnerCli } from './ownerCommands';

// Warnings and errors as JSON lines on stderr; the link and results own the terminal.
const logger = createLogger(process.env.HEARTH_LOG_LEVEL ?? 'error', process.stderr);

const code = await runOwnerCli(process.argv.slice(2), {
  env: process.env,
  out: process.stdout,
  err: process.stderr,
  logger,
});
logger.flush();
process.exitCode = code;
