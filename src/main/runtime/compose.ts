// The composition root: every service is constructed here and handed its
// dependencies. The Electron adapter and the headless server both start from it.
import { EventHub } from '../rpc/eventHub';
import { HearthService } from '../service/hearthService';
import type { HearthConfig } from '../config/config';
import type { HearthApi, HealthReport } from '../rpc/hearthApi';
import type { Logger } from '../base/log';
import { createThermal } from '../thermal/createThermal';

export async function composeHearth(config: HearthConfig, logger: Logger): Promise<HearthApi> {
  const events = new EventHub();
  // The simulated board heats with the engine's load and the governor throttles the
  // engine, so each needs the other: the board reads the load through this late binding.
  const late: { app?: HearthService } = {};
  const thermal = createThermal({
    config,
    logger,
    inferenceLoad: () => late.app?.engineLoad() ?? { busy: false, threads: 0 },
  });
  const app = new HearthService({
    config,
    logger,
    events,
    thermal: thermal.monitor,
    coolingCheck: thermal.coolingCheck,
    throttle: thermal.governor,
  });
  late.app = app;
  const unsubscribe = [
    // The trend history goes out once in the snapshot; each change then carries only
    // its newest reading, which the client appends, instead of minutes of readings a second.
    thermal.monitor.onStatus((status) =>
      events.emit({ type: 'thermal', thermal: { ...status, recent: status.recent.slice(-1) } }),
    ),
    thermal.coolingCheck.onReport((report) => events.emit({ type: 'coolingCheck', report })),
  ];
  thermal.start();
  await app.start();
  const started = app;

  const health = (): HealthReport => {
    const appHealth = started.health();
    const t = thermal.monitor.status();
    const status =
      appHealth.model.state === 'error'
        ? 'error'
        : t.protection || appHealth.model.state !== 'ready'
          ? 'degraded'
          : 'ok';
    return {
      status,
      thermal: {
        available: t.available,
        temperatureC: t.temperatureC,
        protection: t.protection,
        source: t.source,
        ...(t.reason === undefined ? {} : { reason: t.reason }),
      },
      model: appHealth.model,
      sessions: {
        clients: 0,
        activeGenerations: appHealth.activeGenerations,
        queuedPrompts: appHealth.queuedPrompts,
      },
      conversations: appHealth.conversations,
    };
  };

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    events,
    handlers: started.handlers,
    health,
    close: () => {
      closing ??= (async () => {
        for (const off of unsubscribe) off();
        await started.close();
        await thermal.close();
      })();
      return closing;
    },
  };
}
