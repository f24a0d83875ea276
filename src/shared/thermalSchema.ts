// The board's temperature, thermal protection and the cooling check as clients
// see them. Part of the API defined in api.ts.
import { z } from 'zod/mini';

export const thermalReading = z.object({
  time: z.number(),
  temperatureC: z.number(),
});
export type ThermalReading = z.infer<typeof thermalReading>;

export const thermalStatus = z.object({
  /** False when there is no usable sensor; temperatureC is then -1. */
  available: z.boolean(),
  temperatureC: z.number(),
  reason: z.optional(z.string()),
  protection: z.boolean(),
  /** When protection started (ms since epoch), while it is on. */
  protectionSince: z.optional(z.number()),
  triggerC: z.number(),
  resumeC: z.number(),
  cpuMHz: z.optional(z.number()),
  fan: z.optional(z.string()),
  firmwareThrottled: z.optional(z.boolean()),
  source: z.enum(['sysfs', 'simulated', 'none']),
  /** Recent readings for the trend line, oldest first. */
  recent: z.array(thermalReading),
});
export type ThermalStatus = z.infer<typeof thermalStatus>;

export const coolingCheckReport = z.object({
  state: z.enum(['idle', 'running', 'done', 'stopped', 'protection', 'error']),
  startedAt: z.optional(z.number()),
  durationSec: z.optional(z.number()),
  samples: z.array(thermalReading),
  peakC: z.optional(z.number()),
  secondsToSteadyState: z.optional(z.nullable(z.number())),
  firmwareThrottled: z.optional(z.boolean()),
  verdict: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type CoolingCheckReport = z.infer<typeof coolingCheckReport>;
