// Entry point of `npm run model -- <command>` (see commands.ts). Ctrl+C cancels
// a download cleanly: the partial file stays, and the same command continues it.
import { createLogger } from '../base/log';
import { runModelCli, type CliIo } from './commands';
import { voiceModelCommands } from '../voice/models/voiceModelCli';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

// Warnings and errors as JSON lines on stderr; the progress bar and results own the terminal.
const logger = createLogger(process.env.HEARTH_LOG_LEVEL ?? 'error', process.stderr);

const io: CliIo = {
  env: process.env,
  out: process.stdout,
  err: process.stderr,
  logger,
  signal: controller.signal,
  // Voice catalog ids (moonshine-tiny-en…) go to the voice model store.
  voice: (config) => voiceModelCommands(config, io),
};
const code = await runModelCli(process.argv.slice(2), io);
logger.flush();
process.exitCode = code;
