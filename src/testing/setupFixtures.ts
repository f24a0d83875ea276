// A Hearth core for the model-setup and settings tests: the real engine,
// service, model setup and settings over a fresh data directory, started with
// no model unless told otherwise, a test catalog whose one pinned model is the
// fixture served from loopback, and helpers to call commands and wait for events.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HearthEvent } from '../shared/api';
import { loadConfig } from '../main/config/config';
import type { KioskExitFactory } from '../main/kioskExit/kioskExitPort';
import type { ThermalPort, ThermalThresholdsPort } from '../main/contracts/thermal';
import { noThrottle, type InferenceThrottle } from '../main/contracts/throttle';
import { FIXTURE_CHATML_MODEL } from './inferenceFixtures';
import { pinnedStoriesEntry } from './models/catalogEntries';
import { dispatch, type CallContext } from '../main/rpc/dispatch';
import { composeCore } from '../main/runtime/compose';
import { useCleanups } from './cleanups';
import { mountTmpfs } from './tmpfs';
import { createMemoryLogger } from './loggers';
import { fakeCoolingCheck, fakePairing, fakeThermal } from './serviceFakes';

export const owner: CallContext = { clientId: 'kiosk', role: 'owner' };
export const phone: CallContext = { clientId: 'phone', role: 'device', deviceId: 'p1' };

/** A catalog with the fixture model pinned (downloaded from HF_ENDPOINT) and one not pinned. */
export const testCatalog = {
  recommended: 'stories',
  entries: [
    pinnedStoriesEntry({ description: 'A tiny story model for tests.' }),
    {
      id: 'later',
      displayName: 'Later 1B',
      repository: 'owner/Later-GGUF',
      file: 'Later-Q4_K_M.gguf',
      revision: null,
      sha256: null,
      sizeBytes: 800_000_000,
      kvBytesPerToken: 32_768,
      parameters: '1B',
      licence: 'MIT',
      description: 'Not pinned yet.',
    },
  ],
};

const cleanups = useCleanups();

export function scratchDir(prefix = 'hearth-setup-'): string {
  return cleanups.scratchDir(prefix);
}

/** A USB mount point with one stick holding a model in a folder, as Pi OS mounts it. */
export function usbStick() {
  const root = scratchDir('hearth-media-');
  const stick = join(root, 'STICK');
  mkdirSync(join(stick, 'models'), { recursive: true });
  const onStick = join(stick, 'models', 'stories260K-chatml.gguf');
  copyFileSync(FIXTURE_CHATML_MODEL, onStick);
  return { root, stick, onStick };
}

export interface SetupAppOptions {
  /** HEARTH_* and hub variables besides the test defaults. */
  env?: Record<string, string>;
  usbRoots?: string[];
  thermal?: ThermalPort;
  throttle?: InferenceThrottle;
  thresholds?: ThermalThresholdsPort;
  /** Download time limits. */
  answerMs?: number;
  memory?: { total: number; free: number };
  /** The kiosk's way out; without it exitKiosk answers 'unavailable', as under `npm run serve`. */
  kioskExit?: KioskExitFactory;
  /** Puts files in the models folder before Hearth starts: what an earlier run left. */
  beforeStart?(modelsDir: string): void | Promise<void>;
  /**
   * Mounts a tmpfs of this size (mount's syntax, e.g. '16m') as the models folder,
   * a small SD card that fills up. Needs root; unmounted after the test, even a failed one.
   */
  modelsTmpfs?: string;
}

export async function startSetupApp(options: SetupAppOptions = {}) {
  const dataDir = scratchDir();
  const catalogFile = join(scratchDir('hearth-catalog-'), 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(testCatalog));
  const modelsDir = join(dataDir, 'models');
  mkdirSync(modelsDir);
  if (options.modelsTmpfs !== undefined) {
    // Unmounted after the app is disposed (cleanups run newest first), before the data directory goes.
    cleanups.defer(mountTmpfs(modelsDir, options.modelsTmpfs));
  }
  await options.beforeStart?.(modelsDir);
  const env: Record<string, string> = {
    HEARTH_DATA_DIR: dataDir,
    HEARTH_THREADS: '1',
    HEARTH_TEMPERATURE: '0',
    HEARTH_MAX_TOKENS: '32',
    HEARTH_CATALOG_FILE: catalogFile,
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createMemoryLogger();
  const app = composeCore({
    config,
    logger,
    thermal: options.thermal ?? fakeThermal(),
    coolingCheck: fakeCoolingCheck(),
    pairing: fakePairing(),
    throttle: options.throttle ?? noThrottle,
    thresholds: options.thresholds,
    kioskExit: options.kioskExit,
    baseThreads: 1,
    env,
    modelSetup: {
      usbRoots: options.usbRoots ?? [],
      memory: options.memory ?? { total: 8e9, free: 8e9 },
      progressEveryMs: 0,
      answerMs: options.answerMs ?? 5000,
      stallMs: 5000,
    },
  });
  cleanups.defer(() => app.dispose());
  const seen: HearthEvent[] = [];
  app.events.subscribe((event) => seen.push(event));
  await app.start();
  await app.engine.whenSettled();

  const outcome = (name: string, args: unknown = {}, ctx: CallContext = owner) =>
    dispatch(app.handlers, name, args, ctx);
  const call = async <T = never>(name: string, args: unknown = {}, ctx = owner): Promise<T> => {
    const result = await outcome(name, args, ctx);
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as T;
  };
  /** The first event (already seen or still to come) that matches. */
  const until = <E extends HearthEvent>(match: (event: HearthEvent) => event is E) =>
    new Promise<E>((resolve) => {
      const found = seen.find(match);
      if (found) return resolve(found);
      const off = app.events.subscribe((event) => {
        if (!match(event)) return;
        off();
        resolve(event);
      });
    });
  const downloadEnded = () =>
    until(
      (e): e is Extract<HearthEvent, { type: 'modelDownload' }> =>
        e.type === 'modelDownload' && ['done', 'failed', 'cancelled'].includes(e.download.state),
    );
  const downloads = () => seen.flatMap((e) => (e.type === 'modelDownload' ? [e.download] : []));
  /**
   * Runs `act` once, at the first progress of this state with bytes moved: in the
   * middle of the transfer, since events are delivered as they are fired.
   */
  const midway = (state: 'downloading' | 'copying', act: () => void) => {
    const off = app.events.subscribe((event) => {
      if (event.type !== 'modelDownload') return;
      if (event.download.state !== state || event.download.bytes === 0) return;
      off();
      act();
    });
  };
  return {
    app,
    config,
    env,
    dataDir,
    modelsDir,
    logger,
    seen,
    call,
    outcome,
    until,
    downloadEnded,
    downloads,
    midway,
  };
}

/** Asks the model something in a new conversation; resolves with the finished answer. */
export async function converse(
  setup: Awaited<ReturnType<typeof startSetupApp>>,
  text = 'Once upon a time',
) {
  const conversation = await setup.call<{ id: string }>('newConversation');
  const sent = await setup.call<{ assistantMessageId: string }>('sendPrompt', {
    conversationId: conversation.id,
    text,
  });
  const done = await setup.until(
    (e): e is Extract<HearthEvent, { type: 'message' }> =>
      e.type === 'message' &&
      e.message.id === sent.assistantMessageId &&
      !['queued', 'streaming'].includes(e.message.status),
  );
  return done.message;
}
