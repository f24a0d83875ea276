// Hearth as network tests meet it, in a process of its own (the kiosk's main
// process is one too): started from the settings in its environment with the
// same parts as `npm run serve`, and watching its own event loop, because a
// flood or a fuzzer must not freeze the kiosk's screen. The owner is whoever
// presents the owner cookie (handed to the test when the child is ready);
// only 127.0.0.1 counts as this machine, so a test's "phones" dial from
// 127.0.0.2 and are treated as any phone on the LAN. Started by
// hearthUnderTest.ts; answers its questions over IPC.
// Usage: node --import tsx src/testing/net/hearthChild.ts
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { DisposableStore } from '../../shared/lifecycle';
import { createLogger } from '../../main/base/log';
import { loadConfig } from '../../main/config/config';
import { Redactor, redactingLogger } from '../../main/pairing/redact';
import { composeHearth } from '../../main/runtime/compose';
import type { ChildReply, ChildRequest } from './hearthChildProtocol';
import { StallMonitor } from './stallMonitor';
import { ownerCookieOf } from '../testOwner';

/** This machine is this one address; every other one (127.0.0.2 included) is the LAN. */
export const LOCAL_ADDRESS = '127.0.0.1';

const config = loadConfig(process.env);
const redactor = new Redactor();
const logger = redactingLogger(createLogger(config.logLevel), redactor);
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
const stalls = new StallMonitor();
stalls.start();

// Built as `npm run serve` builds it; the two test knobs are a shorter code life
// and which address counts as this machine.
const owned = new DisposableStore();
const built = await composeHearth(
  {
    config,
    logger,
    redactor,
    staticDir: join(import.meta.dirname, '..', '..', '..', 'out', 'renderer'),
    forTests: {
      // Tests of an expired code cannot wait the real five minutes.
      codeTtlMs: process.env.HEARTH_TEST_CODE_TTL_MS
        ? Number(process.env.HEARTH_TEST_CODE_TTL_MS)
        : undefined,
      isLocalAddress: (address) =>
        address === LOCAL_ADDRESS || address === `::ffff:${LOCAL_ADDRESS}`,
    },
  },
  owned,
);
const { hearth, pairing, owner } = built;
await hearth.start();
const server = await built.listen();

const send = (reply: ChildReply): void => {
  process.send?.(reply);
};
const ms = (ns: number): number => ns / 1e6;

process.on('message', (request: ChildRequest) => {
  if (request.type === 'stats') {
    send({
      type: 'stats',
      id: request.id,
      lagMs: {
        p50: ms(lag.percentile(50)),
        p99: ms(lag.percentile(99)),
        max: ms(lag.max),
        mean: ms(lag.mean),
      },
      stall: stalls.read(request.resetLag),
      memory: process.memoryUsage(),
      sessions: hearth.clients.counts(),
    });
    if (request.resetLag) lag.reset();
  } else if (request.type === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    send({ type: 'gc', id: request.id });
  } else if (request.type === 'stop') {
    void (async () => {
      await owned.dispose();
      process.exit(0);
    })();
  }
});

send({
  type: 'ready',
  url: server.url,
  pairingUrl: pairing.info().url,
  ownerCookie: ownerCookieOf(owner),
});
