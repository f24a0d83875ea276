// Headless entry point (`npm run serve`): every service under plain Node, the UI
// and the API served over HTTP and WebSocket. Built to out/main/serve.js.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from './base/log';
import { ConfigError, loadConfig, type HearthConfig } from './config/config';
import { startHearth, type RunningHearth } from './runtime/hearthProcess';
import { announceOwnerPage } from './runtime/ownerPage';

/** out/main/serve.js serves out/renderer. */
const staticDir = resolve(dirname(fileURLToPath(import.meta.url)), '../renderer');
const SHUTDOWN_TIMEOUT_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: HearthConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // A signal may arrive before start-up has finished.
  let running: Promise<RunningHearth | undefined> = Promise.resolve(undefined);
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
      let code = 0;
      try {
        await (await running.catch(() => undefined))?.dispose();
        logger.info('stopped', {});
      } catch (error) {
        code = 1;
        logger.error('shutdown_failed', { error: (error as Error).message });
      }
      logger.flush();
      process.exit(code);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  running = startHearth({
    config,
    logger,
    staticDir,
    processName: 'npm run serve',
    serverRequired: true,
  });
  const { server, pairing, owner } = (await running) as RunningHearth;
  if (!server) return;
  process.stdout.write(`Hearth listening on ${server.url}\n`);
  // The same URL as the kiosk's QR code, for machines without a screen.
  const { url, fingerprint } = pairing.info();
  process.stdout.write(`Pair a device: ${url}\n`);
  // Over https, what a phone's certificate warning should show (as the kiosk's pairing sheet does).
  if (fingerprint) process.stdout.write(`Certificate SHA-256: ${fingerprint}\n`);
  // Opening it makes a browser the owner (as Jupyter prints its token URL); a
  // rotation prints the new one. The subscription ends with the owner secret.
  announceOwnerPage(owner, server, (line) => process.stdout.write(line));
}

main().catch((error: unknown) => {
  fail(`Hearth failed to start: ${error instanceof Error ? error.message : String(error)}`);
});
