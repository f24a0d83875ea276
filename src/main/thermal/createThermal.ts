// Builds the thermal side from config: the source (Pi sensors, or a simulated
// board when HEARTH_THERMAL_SIMULATE is set), the monitor, the governor that
// throttles inference, and the "Check cooling" self-test.
import { availableParallelism } from 'node:os';
import { DisposableStore } from '../../shared/lifecycle';
import type { HearthConfig } from '../config/config';
import type { InferenceActivity } from '../contracts/throttle';
import { VoiceLoad } from './voiceLoad';
import type { Logger } from '../base/log';
import { realScheduler, type Scheduler } from '../base/scheduler';
import { CoolingCheck } from './coolingCheck';
import { ThermalGovernor } from './governor';
import { ThermalMonitor } from './monitor';
import { Polling } from './polling';
import { SimulatedBoard } from './simulatedBoard';
import type { ThermalSource } from './source';
import { SysfsThermalSource, type SysfsThermalSourceOptions } from './sysfsSource';

export interface CreateThermalOptions {
  config: Pick<
    HearthConfig,
    'thermalZone' | 'thermalSimulate' | 'thermalTrigger' | 'thermalResume' | 'thermalPollMs'
  >;
  logger: Logger;
  /** Threads inference uses when not cooling: the governor caps below it. */
  baseThreads: number;
  /** What inference is doing now: the simulated board heats up with it. */
  activity: InferenceActivity;
  scheduler?: Scheduler;
  /** Overrides for the Pi extras' paths (tests). */
  sysfs?: Partial<SysfsThermalSourceOptions>;
  /** Cores of the board (load threads of the cooling check). Default: this machine's. */
  cores?: number;
  /** Voice work, reported by the voice engines; the simulated board heats with it too. Default: a new one. */
  voice?: VoiceLoad;
}

export interface ThermalServices extends AsyncDisposable {
  monitor: ThermalMonitor;
  governor: ThermalGovernor;
  coolingCheck: CoolingCheck;
  /** The simulated board, when simulating. */
  board?: SimulatedBoard;
  /** Where voice work is reported (its load is the board's as much as inference's). */
  voice: VoiceLoad;
  start(): void;
  /** Ends a running cooling check and its threads, polling and any vcgencmd still running. */
  dispose(): Promise<void>;
}

/** A Pi 5 has four cores; the cooling check's threads load the simulated board too. */
const boardCores = 4;

export function createThermal(options: CreateThermalOptions): ThermalServices {
  const { config, logger, activity } = options;
  const scheduler = options.scheduler ?? realScheduler;
  const voice = options.voice ?? new VoiceLoad(() => scheduler.now());
  const owned = new DisposableStore();
  // The board is built before the cooling check whose threads also heat it.
  let checkThreads = (): number => 0;
  const board =
    config.thermalSimulate === 'off'
      ? undefined
      : new SimulatedBoard({
          profile: config.thermalSimulate,
          now: () => scheduler.now(),
          cores: boardCores,
          load: () => {
            const inference = activity.current;
            const check = checkThreads();
            const inferenceThreads = inference.busy ? inference.threads : 0;
            const busyThreads = inferenceThreads + voice.threads;
            return {
              busy: busyThreads > 0 || check > 0,
              threads: Math.min(boardCores, check > 0 ? boardCores : busyThreads),
            };
          },
        });
  const source: ThermalSource =
    board ?? new SysfsThermalSource({ zonePath: config.thermalZone, ...options.sysfs });

  const monitor = owned.add(
    new ThermalMonitor({
      source,
      logger,
      scheduler,
      triggerC: config.thermalTrigger,
      resumeC: config.thermalResume,
      pollMs: config.thermalPollMs,
    }),
  );
  const governor = owned.add(
    new ThermalGovernor(monitor, { baseThreads: options.baseThreads, logger }),
  );
  const coolingCheck = owned.add(
    new CoolingCheck({
      monitor,
      logger,
      scheduler,
      cores: options.cores ?? availableParallelism(),
    }),
  );
  checkThreads = () => coolingCheck.activeThreads;
  // The board follows load changes faster than the poll.
  const boardTicks = board ? owned.add(new Polling(scheduler, 250, () => board.tick())) : undefined;

  let started = false;
  const dispose = (): Promise<void> => owned.dispose();
  return {
    monitor,
    governor,
    coolingCheck,
    voice,
    ...(board ? { board } : {}),
    start() {
      if (started || owned.isDisposed) return;
      started = true;
      logger.info('thermal_started', {
        source:
          config.thermalSimulate === 'off' ? 'sysfs' : `simulated (${config.thermalSimulate})`,
        zone: config.thermalSimulate === 'off' ? config.thermalZone : undefined,
        triggerC: config.thermalTrigger,
        resumeC: config.thermalResume,
        pollMs: config.thermalPollMs,
      });
      monitor.start();
      boardTicks?.start();
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
