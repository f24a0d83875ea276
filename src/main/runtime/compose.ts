// The composition root: every service is constructed here, handed its
// dependencies, and registered with the one DisposableStore that releases them
// in reverse order. The Electron entry and the headless server both start from it
// (through runtime/hearthProcess.ts); tests build the same core with stand-ins
// for the thermal side.
import type { Subscription } from '../../shared/emitter';
import { DisposableStore } from '../../shared/lifecycle';
import type { Logger } from '../base/log';
import { modelsDirectory, type HearthConfig } from '../config/config';
import { KioskPinGate } from '../kioskExit/kioskPinGate';
import type { KioskExitFactory } from '../kioskExit/kioskExitPort';
import type { OwnerAccessPort } from '../contracts/ownerAccess';
import type { PairingPort } from '../contracts/pairing';
import type { ScriptProcessPort } from '../contracts/scriptProcess';
import type { CoolingCheckPort, ThermalPort, ThermalThresholdsPort } from '../contracts/thermal';
import { InferenceActivity, type InferenceThrottle } from '../contracts/throttle';
import { conversationsDirectory, ConversationStore } from '../conversations/store';
import { InferenceEngine } from '../inference/engine';
import { ConversationStateCache, stateCacheDirectory } from '../inference/stateCache/stateCache';
import { inferenceThreads, physicalCoreCount } from '../inference/physicalCores';
import { configuredCatalog } from '../models/catalog';
import { fetchConfiguredModel } from '../models/configuredModel';
import { Clients } from '../clients/clients';
import { DEFAULT_CLIENT_LIMITS } from '../clients/limits';
import { createEventHub } from '../rpc/eventHub';
import type { HearthApi } from '../clients/hearthApi';
import { HearthService, type HearthServiceDeps } from '../commands/hearthService';
import { defaultUsbRoots } from '../modelSetup/modelFiles';
import { ModelSetup, type ModelSetupDeps } from '../modelSetup/modelSetup';
import { SettingsService } from '../settings/settings';
import { createThermal } from '../thermal/createThermal';
import type { VoiceLoad } from '../thermal/voiceLoad';
import { lanAddress, machineAddresses, type MachineView } from '../pairing/lanAddress';
import { OwnerSecret } from '../pairing/ownerSecret';
import { Pairing } from '../pairing/pairing';
import type { Redactor } from '../pairing/redact';
import { openTlsCertificate, tlsNamesFor, type TlsIdentity } from '../pairing/tlsCertificate';
import { DEFAULT_WS_LIMITS, startHearthServer, type HearthServer } from '../server';
import { WsApi } from '../server/wsApi';
import { bridgeEvents } from './eventBridge';
import { healthReport } from './health';
import { answerText, voiceClients } from './voicePorts';
import { VoiceService } from '../voice/voiceService';
import { findVoiceEngines } from '../voice/engines';
import type { VoiceModelSource } from '../voice/models/installedVoiceModel';
import { configuredVoiceCatalog } from '../voice/models/voiceCatalogFile';
import { VoiceDownloads } from '../voice/models/voiceDownloads';
import { VoiceModelStore, voiceModelsDirectory } from '../voice/models/voiceModelStore';
import type { VoiceEngineReport } from '../../shared/voice';

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
  /** Where voice work is reported as load (createThermal's, so the board sees it). */
  voiceLoad?: VoiceLoad;
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
  /** Which voice engines there are; default: found on this machine at start-up. */
  voiceEngines?: Promise<VoiceEngineReport> | VoiceEngineReport;
  /** The downloaded recognizers and voices; default: the voice model store in the data directory. */
  voiceModels?: VoiceModelSource;
  /** What runs a throwaway process (a voice model's probe); default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
  /** Model setup details tests replace: USB mount points, this machine's memory, time limits. */
  modelSetup?: Partial<
    Pick<ModelSetupDeps, 'memory' | 'progressEveryMs' | 'stallMs' | 'answerMs'> & {
      usbRoots: string[];
    }
  >;
}

const MB = 1_000_000;

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
      stateCache: new ConversationStateCache({
        dir: stateCacheDirectory(config.dataDir),
        budgetBytes: config.conversationMemoryMb * MB,
        logger,
      }),
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
  // Downloaded recognizers and voices: the engines load only models it has just
  // checked, and Settings > Voice downloads into it (voiceDownloads below).
  const voiceCatalog = configuredVoiceCatalog(config.voiceCatalogFile);
  const voiceModelStore = owned.add(
    new VoiceModelStore({
      dir: voiceModelsDirectory(config.dataDir),
      catalog: voiceCatalog,
      logger,
      stallMs: options.modelSetup?.stallMs,
      answerMs: options.modelSetup?.answerMs,
      progressEveryMs: options.modelSetup?.progressEveryMs,
    }),
  );
  // Before the clients, which stream audio to it; it reaches them only through its ports.
  const voice = owned.add(
    new VoiceService({
      clients: voiceClients(() => clients),
      answers: answerText(events, store),
      engines: options.voiceEngines ?? findVoiceEngines({ env }),
      logger,
      maxUtteranceMs: DEFAULT_CLIENT_LIMITS.maxUtteranceMs,
      env,
      rate: config.voiceRate,
      handsFreeQuietMs: config.handsFreeQuietSec * 1000,
      models: options.voiceModels ?? voiceModelStore,
      catalog: voiceCatalog,
      recognizer: config.voiceRecognizer,
      voice: config.voiceVoice,
      scriptProcesses: options.scriptProcesses,
      load: options.voiceLoad,
    }),
  );
  // Disposed before the voice service and the store: a running download is
  // cancelled and awaited first.
  const voiceModels = owned.add(
    new VoiceDownloads({
      store: voiceModelStore,
      events,
      logger,
      choices: () => voice.choices(),
      // The voice service picks its engines again; a failure there is its own to report.
      onModelsChanged: () =>
        void voice
          .modelsChanged()
          .catch((error: unknown) =>
            logger.error('voice_engines_not_repicked', { error: String(error) }),
          ),
      progressEveryMs: options.modelSetup?.progressEveryMs,
    }),
  );
  // A quiet time changed in Settings reaches every client, as the snapshot's `voice` did.
  owned.add(
    voice.onAvailability((availability) =>
      events.fire({ type: 'voiceAvailability', voice: availability }),
    ),
  );
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
    voice,
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
      voice,
      voiceModels,
    }),
  );
  const clients: Clients = owned.add(
    new Clients({
      handlers: service.handlers,
      events,
      logger,
      sessionLimits: { expireAfterMs: config.sessionExpiryMs },
      speech: voice,
    }),
  );
  // A forgotten phone's clients end at once, and their connections close.
  owned.add(options.pairing.onForget((deviceId) => clients.forgetDevice(deviceId)));
  // A phone forgotten, or gone past its session's expiry, keeps no answers booked.
  owned.add(clients.onClientGone((client) => service.cancelAnswersOf(client)));
  for (const bridged of bridgeEvents(events, {
    engine,
    thermal: options.thermal,
    coolingCheck: options.coolingCheck,
    pairing: options.pairing,
    presence: clients,
    devices: () => service.devices(),
  })) {
    owned.add(bridged);
  }
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
        voice: () => voice.availability(),
        voiceEngines: () => voice.engineReport(),
      }),
    async start() {
      options.beforeStart?.();
      await voice.ready();
      await service.start();
    },
    dispose: () => owned.dispose(),
  };
}

export interface ComposeHearthOptions {
  config: HearthConfig;
  /** Already redacting: pairing codes, device tokens and the owner secret never reach it. */
  logger: Logger;
  redactor: Redactor;
  /** The built renderer the server serves (out/renderer). */
  staticDir: string;
  /** The kiosk's way out (Electron only); `npm run serve` has none. */
  kioskExit?: KioskExitFactory;
  /** The kiosk's utilityProcess (its Electron cannot run as Node); default Node's child_process. */
  scriptProcesses?: ScriptProcessPort;
  /** Tests of a phone on a LAN: a shorter pairing code life, and which address is "this machine". */
  forTests?: {
    codeTtlMs?: number;
    isLocalAddress?: (remoteAddress: string | undefined) => boolean;
  };
}

/** The whole product, built and not yet started. */
export interface ComposedProcess {
  readonly hearth: ComposedHearth;
  /** The pairing URL (printed at start-up), paired devices, forgetting one. */
  readonly pairing: Pairing;
  /** The owner secret: the owner page link (printed at start-up), rotating it. */
  readonly owner: OwnerSecret;
  /** Serves the UI and the API over HTTP and WebSocket; closed with everything else. */
  listen(): Promise<HearthServer>;
}

/**
 * The whole product: pairing and the owner secret, the thermal side from
 * config, the core over it, and the server in front, each registered with
 * `owned`, which releases them newest first.
 */
export async function composeHearth(
  options: ComposeHearthOptions,
  owned: DisposableStore,
): Promise<ComposedProcess> {
  const { config, logger, redactor } = options;
  const machine = machineAddresses();
  const tls = config.tls ? await tlsIdentity(config, machine.current(), logger) : undefined;
  const pairing = owned.add(
    await Pairing.open({
      dataDir: config.dataDir,
      host: config.host,
      port: config.port,
      enabled: config.pairing,
      logger,
      redactor,
      machine,
      codeTtlMs: options.forTests?.codeTtlMs,
      https: tls && { fingerprint: tls.fingerprint },
    }),
  );
  // What proves a browser is the owner (kept in memory if the disk is full).
  const owner = owned.add(await OwnerSecret.open({ dataDir: config.dataDir, logger, redactor }));
  const baseThreads = inferenceThreads(config.threads, physicalCoreCount());
  // The engine publishes its load here and the simulated board reads it, so neither
  // needs the other.
  const activity = new InferenceActivity();
  const thermal = owned.add(createThermal({ config, logger, baseThreads, activity }));
  // Voice work heats the board as inference does; cooling still slows only the model.
  const voiceLoad = thermal.voice;
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
      voiceLoad,
      beforeStart: () => thermal.start(),
      kioskExit: options.kioskExit,
      ownerAccess: owner,
      scriptProcesses: options.scriptProcesses,
    },
    owned,
  );
  const ws = new WsApi({ hearth, logger, ...DEFAULT_WS_LIMITS });
  owned.defer(() => ws.close());
  return {
    hearth,
    pairing,
    owner,
    async listen() {
      const server = await startHearthServer({
        hearth,
        ws,
        staticDir: options.staticDir,
        host: config.host,
        port: config.port,
        logger,
        pairing,
        owner,
        allowedHosts: config.allowedHosts,
        isLocalAddress: options.forTests?.isLocalAddress,
        tls: tls && { key: tls.key, cert: tls.cert },
      });
      // The sockets go first: an HTTP server's close waits for every socket it accepted.
      owned.defer(async () => {
        await ws.close();
        await server.close();
      });
      return server;
    },
  };
}

/**
 * Hearth's own certificate for https, naming the address phones use now (a new
 * DHCP lease makes a new one at the next start) and <hostname>.local.
 */
async function tlsIdentity(
  config: HearthConfig,
  machine: MachineView,
  logger: Logger,
): Promise<TlsIdentity> {
  const lan = lanAddress(config.host, machine);
  return openTlsCertificate({
    dataDir: config.dataDir,
    names: tlsNamesFor(lan.address, machine.hostname),
    logger,
  });
}
