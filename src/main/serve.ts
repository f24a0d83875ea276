// Headless entry point (`npm run serve`): every service under plain Node, the UI
// and the API served over HTTP and WebSocket. Built to out/main/serve.js.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeHearth } from './runtime/compose';
import { ConfigError, loadConfig, type HearthConfig } from './config/config';
import type { HearthApi } from './rpc/hearthApi';
import { createLogger } from './base/log';
import { startHearthServer, type HearthServer } from './server';

/** out/main/serve.js serves out/renderer. */
const staticDir = resolve(dirname(fileURLToPath(import.meta.url)), '../renderer');
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: HearthConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Filled in as start-up proceeds; a signal may arrive before either exists.
  const running: { hearth?: HearthApi; server?: HearthServer } = {};
  let stopping = false;

  const shutdown = (signal: string): void => {
    if (stopping) {
      logger.warn('shutdown_forced', { signal });
      logger.flush();
      process.exit(1);
    }
    stopping = true;
    logger.info('shutdown', { signal });
    const timer = setTimeout(() => {
      logger.error('shutdown_timeout', { timeoutMs: SHUTDOWN_TIMEOUT_MS });
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void (async () => {
      try {
        await running.server?.close();
        await running.hearth?.close();
        logger.info('stopped', {});
        logger.flush();
        process.exit(0);
      } catch (error) {
        logger.error('shutdown_failed', { error: (error as Error).message });
        logger.flush();
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const hearth = await composeHearth(config, logger);
  running.hearth = hearth;
  const server = await startHearthServer({
    hearth,
    staticDir,
    host: config.host,
    port: config.port,
    logger,
  });
  running.server = server;
  process.stdout.write(`HearthApi listening on ${server.url}\n`);
  // Pairing arrives with LAN access (issue 3); until then the address is the same.
  process.stdout.write(`Pair a device: ${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `HearthApi failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
