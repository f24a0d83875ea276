// Entry point of `npm run model -- <command>` (see commands.ts). Ctrl+C cancels
// a download cleanly: the partial file stays, and the same command continues it.
import { createLogger } from '../base/log';
import { runModelCli } from './commands';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

// Warnings and errors as JSON lines on stderr; the progress bar and results own the terminal.
const logger = createLogger(process.env.HEARTH_LOG_LEVEL ?? 'error', process.stderr);

const code = await runModelCli(process.argv.slice(2), {
  env: process.env,
  out: process.stdout,
  err: process.stderr,
  logger,
  signal: controller.signal,
});
logger.flush();
process.exitCode = code;
