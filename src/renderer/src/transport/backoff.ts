// Reconnection schedule: 1 s start, doubling, 30 s cap, 10 attempts, with jitter
// so that phones cut off together (the Wi-Fi dropped) do not all come back in
// the same instant.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
  /** Each delay is shortened by up to this fraction, at random (0 turns jitter off). */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = {
  initialMs: 1_000,
  maxMs: 30_000,
  maxAttempts: 10,
  jitter: 0.25,
};

/** The delay before reconnection attempt `attempt` (1-based), without jitter. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

/**
 * The delay actually waited: the scheduled one shortened by a random share of
 * at most `jitter`, so it never exceeds the cap. `random` is in [0, 1).
 */
export function jitteredDelay(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  return Math.round(backoffDelay(attempt, policy) * (1 - policy.jitter * random()));
}

/** The whole schedule without jitter, for display and tests. */
export function backoffSchedule(policy: BackoffPolicy = defaultBackoff): number[] {
  return Array.from({ length: policy.maxAttempts }, (_, i) => backoffDelay(i + 1, policy));
}
