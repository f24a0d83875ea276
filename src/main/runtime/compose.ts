// The composition root: every service is constructed here, handed its
// dependencies, and registered with the one DisposableStore that releases them
// in reverse order. The Electron entry and the headless server both start from it
// (through runtime/hearthProcess.ts); tests build the same core with stand-ins
// for the thermal side.
import type { Subscription } from '../../shared/emitter';
import { DisposableStore } from '../../shared/lifecycle';
import type { Logger } from '../base/log';
import { modelsDirectory, type HearthConfig } from '../config/config';
import { KioskPinGate } from '../config/kioskPinGate';
import type { KioskExitFactory } from '../contracts/kioskExit';
import type { OwnerAccessPort } from '../contracts/ownerAccess';
import type { PairingPort } from '../contracts/pairing';
import type { CoolingCheckPort, ThermalPort, ThermalThresholdsPort } from '../contracts/thermal';
import { InferenceActivity, type InferenceThrottle } from '../contracts/throttle';
import { conversationsDirectory, ConversationStore } from '../conversations/store';
import { InferenceEngine } from '../inference/engine';
import { inferenceThreads, physicalCoreCount } from '../inference/physicalCores';
import { configuredCatalog } from '../models/catalog';
import { fetchConfiguredModel } from '../models/configuredModel';
import { Clients } from '../clients/clients';
import { createEventHub } from '../rpc/eventHub';
import type { HearthApi } from '../clients/hearthApi';
import { HearthService, type HearthServiceDeps } from '../service/hearthService';
import { defaultUsbRoots } from '../service/modelFiles';
import { ModelSetup, type ModelSetupDeps } from '../service/modelSetup';
import { SettingsService } from '../service/settings';
import { createThermal } from '../thermal/createThermal';
import { healthReport } from './health';

export interface ComposedHearth extends HearthApi {
  /** Loads conversations and starts thermal monitoring; the model loads in the background. */
  start(): Promise<void>;
  readonly engine: InferenceEngine;
  readonly store: ConversationStore;
}

export interface CoreOptions {
  config: HearthConfig;
  logger: Logger;
  thermal: ThermalPort;
  coolingCheck: CoolingCheckPort;
  pairing: PairingPort;
  throttle: InferenceThrottle;
  /** Computed once by the caller: the engine starts with it and the governor caps below it. */
  baseThreads: number;
  activity?: InferenceActivity;
  /** How often a streaming answer's journal is flushed (tests shorten it). */
  saveIntervalMs?: number;
  /** Called by start() before the service loads, e.g. to start thermal polling. */
  beforeStart?: () => void;
  /** Changes the thermal thresholds live; without it a change waits for a restart. */
  thresholds?: ThermalThresholdsPort;
  /** The environment the config came from: it overrides saved settings. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The Electron kiosk's way out of kiosk mode, over the shared PIN gate; without it
   * exitKiosk answers 'unavailable' (the PIN still guards changes in Settings).
   */
  kioskExit?: KioskExitFactory;
  /** The owner secret, for rotateOwnerSecret; without it that command is refused. */
  ownerAccess?: OwnerAccessPort;
  /** How many answers one client, and everyone together, may have waiting (tests lower them). */
  answerLimits?: HearthServiceDeps['answerLimits'];
  /** Model setup details tests replace: USB mount points, this machine's memory, time limits. */
  modelSetup?: Partial<
    Pick<ModelSetupDeps, 'memory' | 'progressEveryMs' | 'stallMs' | 'answerMs'> & {
      usbRoots: string[];
    }
  >;
}

/** The engine, the conversation store and the API service over a given thermal side. */
export function composeCore(options: CoreOptions, owned = new DisposableStore()): ComposedHearth {
  const { config, logger } = options;
  const events = owned.add(createEventHub(logger));
  const store = owned.add(
    new ConversationStore({
      dir: conversationsDirectory(config.dataDir),
      logger,
      saveIntervalMs: options.saveIntervalMs,
    }),
  );
  const engine = owned.add(
    new InferenceEngine({
      config,
      logger,
      baseThreads: options.baseThreads,
      throttle: options.throttle,
      activity: options.activity,
      // A model configured by address goes through the same checked downloader as
      // the setup screen; the engine is handed only the local file.
      fetchRemoteModel: (address, progress) =>
        fetchConfiguredModel(address, {
          ...progress,
          modelsDir: modelsDirectory(config.dataDir),
          logger,
          catalog: configuredCatalog(config.catalogFile),
          env: options.env ?? process.env,
          stallMs: options.modelSetup?.stallMs,
          answerMs: options.modelSetup?.answerMs,
          progressEveryMs: options.modelSetup?.progressEveryMs,
        }),
    }),
  );
  const env = options.env ?? process.env;
  const modelsDir = modelsDirectory(config.dataDir);
  // One PIN gate for the process: the kiosk exit and a PIN change in Settings count
  // wrong PINs together, so two doors cannot double the guessing rate. It reads the
  // hash only when a PIN is typed, long after `settings` below exists.
  const pinGate = new KioskPinGate({
    pinHash: (): string | undefined => settings.kioskPinHash(),
    now: Date.now,
  });
  const settings = new SettingsService({
    config,
    env,
    logger,
    events,
    engine,
    thresholds: options.thresholds,
    modelsDir,
    pinGate,
  });
  const { usbRoots, ...setupDetails } = options.modelSetup ?? {};
  const modelSetup = owned.add(
    new ModelSetup({
      logger,
      events,
      engine,
      catalog: configuredCatalog(config.catalogFile),
      roots: { modelsDir, usb: usbRoots ?? defaultUsbRoots() },
      configFile: config.configFile,
      contextSize: config.contextSize,
      env,
      rememberModel: (path) => settings.rememberModel(path),
      ...setupDetails,
    }),
  );
  const service = owned.add(
    new HearthService({
      logger,
      events,
      engine,
      store,
      thermal: options.thermal,
      coolingCheck: options.coolingCheck,
      pairing: options.pairing,
      // Read only once the service starts, by when the clients below exist.
      presence: {
        isDeviceConnected: (deviceId): boolean => clients.isDeviceConnected(deviceId),
        onDevicePresence: (listener): Subscription => clients.onDevicePresence(listener),
      },
      modelSetup,
      settings,
      kioskExit: options.kioskExit?.(pinGate),
      ownerAccess: options.ownerAccess,
      answerLimits: options.answerLimits,
    }),
  );
  const clients: Clients = owned.add(
    new Clients({
      handlers: service.handlers,
      events,
      logger,
      sessionLimits: { expireAfterMs: config.sessionExpiryMs },
    }),
  );
  // A forgotten phone's clients end at once, and their connections close.
  owned.add(options.pairing.onForget((deviceId) => clients.forgetDevice(deviceId)));
  // A phone forgotten, or gone past its session's expiry, keeps no answers booked.
  owned.add(clients.onClientGone((client) => service.cancelAnswersOf(client)));
  return {
    config,
    logger,
    events,
    clients,
    engine,
    store,
    handlers: service.handlers,
    health: () =>
      healthReport({
        model: () => engine.status(),
        thermal: () => options.thermal.status(),
        answers: () => ({ active: engine.activeCount, queued: engine.queuedCount }),
        conversations: () => store.size,
        sessions: () => clients.counts(),
      }),
    async start() {
      options.beforeStart?.();
      await service.start();
    },
    dispose: () => owned.dispose(),
  };
}

/** The whole product: the thermal side from config, then the core over it. */
export function composeHearth(
  config: HearthConfig,
  logger: Logger,
  pairing: PairingPort,
  kioskExit?: KioskExitFactory,
  ownerAccess?: OwnerAccessPort,
): ComposedHearth {
  const owned = new DisposableStore();
  const baseThreads = inferenceThreads(config.threads, physicalCoreCount());
  // The engine publishes its load here and the simulated board reads it, so neither
  // needs the other.
  const activity = new InferenceActivity();
  const thermal = owned.add(createThermal({ config, logger, baseThreads, activity }));
  const hearth = composeCore(
    {
      config,
      logger,
      thermal: thermal.monitor,
      coolingCheck: thermal.coolingCheck,
      pairing,
      throttle: thermal.governor,
      thresholds: thermal.monitor,
      baseThreads,
      activity,
      beforeStart: () => thermal.start(),
      kioskExit,
      ownerAccess,
    },
    owned,
  );
  const { events } = hearth;
  // The trend goes out whole with each status change and in the snapshot; each poll
  // then sends only its new reading.
  owned.add(
    thermal.monitor.onStatus((status) => events.fire({ type: 'thermal', thermal: status })),
  );
  owned.add(
    thermal.monitor.onReading((sample) => events.fire({ type: 'thermalReading', ...sample })),
  );
  owned.add(
    thermal.coolingCheck.onReport((report) => events.fire({ type: 'coolingCheck', report })),
  );
  return hearth;
}
