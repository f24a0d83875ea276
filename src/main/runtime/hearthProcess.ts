// Start-up and orderly shutdown, one sequence for both entries: `npm run serve`
// (serve.ts) and the Electron kiosk (electron/index.ts). Shutdown releases every
// step that started, newest first, even when one of them fails.
import { DisposableStore } from '../../shared/lifecycle';
import type { Logger } from '../base/log';
import type { HearthConfig } from '../config/config';
import type { ScriptProcessPort } from '../contracts/scriptProcess';
import type { KioskExitFactory } from '../kioskExit/kioskExitPort';
import type { OwnerSecret } from '../pairing/ownerSecret';
import type { Pairing } from '../pairing/pairing';
import { Redactor, redactingLogger } from '../pairing/redact';
import type { HearthServer } from '../server';
import { acquireDataDirLock } from '../storage/dataDirLock';
import { ensurePrivateDir } from '../storage/privateDir';
import { composeHearth, type ComposedHearth } from './compose';

export interface StartHearthOptions {
  config: HearthConfig;
  logger: Logger;
  /** The built renderer the server serves (out/renderer). */
  staticDir: string;
  /** Named in the lock, so a second start says who holds the data directory. */
  processName: string;
  /** The kiosk keeps running without phones when the port is taken; serve does not. */
  serverRequired: boolean;
  /** The kiosk's way out (Electron only); `npm run serve` has none. */
  kioskExit?: KioskExitFactory;
  /** The kiosk's utilityProcess; default Node's child_process (`npm run serve`). */
  scriptProcesses?: ScriptProcessPort;
}

export interface RunningHearth extends AsyncDisposable {
  readonly hearth: ComposedHearth;
  readonly server: HearthServer | undefined;
  /** The pairing URL (printed at start-up), paired devices, forgetting one. */
  readonly pairing: Pairing;
  /** The owner secret: the owner page link (printed at start-up), rotating it. */
  readonly owner: OwnerSecret;
  /** Orderly shutdown: the server, then every service, then the data directory lock. */
  dispose(): Promise<void>;
}

export async function startHearth(options: StartHearthOptions): Promise<RunningHearth> {
  const { config } = options;
  // Every service logs through this: pairing codes, device tokens and the owner
  // secret never reach a log.
  const redactor = new Redactor();
  const logger = redactingLogger(options.logger, redactor);
  const steps = new DisposableStore();
  try {
    await ensurePrivateDir(config.dataDir, logger);
    steps.add(
      await acquireDataDirLock(config.dataDir, { processName: options.processName, logger }),
    );
    const built = await composeHearth(
      {
        config,
        logger,
        redactor,
        staticDir: options.staticDir,
        kioskExit: options.kioskExit,
        scriptProcesses: options.scriptProcesses,
      },
      steps,
    );
    const { hearth, pairing, owner } = built;
    await hearth.start();
    let server: HearthServer | undefined;
    try {
      server = await built.listen();
    } catch (error) {
      if (options.serverRequired) throw error;
      logger.error('server_start_failed', { error: (error as Error).message, port: config.port });
    }
    const dispose = (): Promise<void> => steps.dispose();
    return { hearth, server, pairing, owner, dispose, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await steps
      .dispose()
      .catch((cleanup: unknown) =>
        logger.error('startup_cleanup_failed', { error: String(cleanup) }),
      );
    throw error;
  }
}
