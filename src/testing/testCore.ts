// A Hearth core for tests that need the real engine, store and service: fakes
// for the hardware-facing ports (thermal, cooling check, pairing), no throttle,
// one thread and a memory logger, unless the test says otherwise.
import { noThrottle } from '../main/contracts/throttle';
import type { HearthConfig } from '../main/config/config';
import { composeCore, type ComposedHearth, type CoreOptions } from '../main/runtime/compose';
import { createMemoryLogger } from './loggers';
import { fakeCoolingCheck, fakePairing, fakeThermal } from './serviceFakes';

export function composeTestCore(
  config: HearthConfig,
  overrides: Partial<Omit<CoreOptions, 'config'>> = {},
): ComposedHearth {
  return composeCore({
    config,
    logger: createMemoryLogger(),
    thermal: fakeThermal(),
    coolingCheck: fakeCoolingCheck(),
    pairing: fakePairing(),
    throttle: noThrottle,
    baseThreads: 1,
    ...overrides,
  });
}
