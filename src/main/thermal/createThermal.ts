// Builds the thermal side from config: the source (Pi sensors, or a simulated
// board when HEARTH_THERMAL_SIMULATE is set), the monitor, the governor that
// throttles inference, and the "Check cooling" self-test.
import { availableParallelism } from 'node:os';
import type { HearthConfig } from '../config/config';
import { inferenceThreads } from '../inference/physicalCores';
import type { InferenceLoad } from '../contracts/throttle';
import type { Logger } from '../base/log';
import { CoolingCheck } from './coolingCheck';
import { ThermalGovernor } from './governor';
import { ThermalMonitor } from './monitor';
import { realScheduler, type Scheduler } from '../base/scheduler';
import { SimulatedBoard } from './simulatedBoard';
import type { ThermalSource } from './source';
import { SysfsThermalSource, type SysfsThermalSourceOptions } from './sysfsSource';

export interface CreateThermalOptions {
  config: Pick<
    HearthConfig,
    | 'thermalZone'
    | 'thermalSimulate'
    | 'thermalTrigger'
    | 'thermalResume'
    | 'thermalPollMs'
    | 'threads'
  >;
  logger: Logger;
  /** What inference is doing now: the simulated board heats up with it. */
  inferenceLoad: () => InferenceLoad;
  scheduler?: Scheduler;
  /** Overrides for the Pi extras' paths (tests). */
  sysfs?: Partial<SysfsThermalSourceOptions>;
  /** Cores of the board (load threads of the cooling check). Default: this machine's. */
  cores?: number;
}

export interface ThermalServices {
  monitor: ThermalMonitor;
  governor: ThermalGovernor;
  coolingCheck: CoolingCheck;
  /** The simulated board, when simulating. */
  board?: SimulatedBoard;
  start(): void;
  /** Stops polling, the cooling check's threads and any vcgencmd still running. */
  close(): Promise<void>;
}

export function createThermal(options: CreateThermalOptions): ThermalServices {
  const { config, logger } = options;
  const scheduler = options.scheduler ?? realScheduler;
  const cores = options.cores ?? availableParallelism();
  // Filled in once the cooling check exists (the board is built first).
  let checkThreads = (): number => 0;
  let board: SimulatedBoard | undefined;
  let source: ThermalSource;

  if (config.thermalSimulate !== 'off') {
    // A Pi 5 has four cores; the cooling check's threads load the simulated board too.
    const boardCores = 4;
    board = new SimulatedBoard({
      profile: config.thermalSimulate,
      now: () => scheduler.now(),
      cores: boardCores,
      load: () => {
        const inference = options.inferenceLoad();
        const check = checkThreads();
        const inferenceThreads = inference.busy ? inference.threads : 0;
        return {
          busy: inference.busy || check > 0,
          threads: Math.min(boardCores, check > 0 ? boardCores : inferenceThreads),
        };
      },
    });
    source = board;
  } else {
    source = new SysfsThermalSource({ zonePath: config.thermalZone, ...options.sysfs });
  }

  const monitor = new ThermalMonitor({
    source,
    logger,
    scheduler,
    triggerC: config.thermalTrigger,
    resumeC: config.thermalResume,
    pollMs: config.thermalPollMs,
  });
  const governor = new ThermalGovernor(monitor, {
    // The same count the engine starts with, so the governor's cap is a real reduction.
    baseThreads: inferenceThreads(config.threads),
    logger,
  });
  const coolingCheck = new CoolingCheck({ monitor, logger, scheduler, cores });
  checkThreads = () => coolingCheck.activeThreads;

  let cancelBoardTick: (() => void) | undefined;
  let started = false;
  return {
    monitor,
    governor,
    coolingCheck,
    ...(board ? { board } : {}),
    start() {
      if (started) return;
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
      // The board follows load changes faster than the poll.
      if (board) cancelBoardTick = scheduler.every(250, () => board?.tick());
    },
    async close() {
      cancelBoardTick?.();
      cancelBoardTick = undefined;
      governor.close();
      await coolingCheck.close();
      await monitor.close();
    },
  };
}
