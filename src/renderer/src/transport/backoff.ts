// Reconnection schedule (DESIGN section 2, P3): 1 s start, doubling, 30 s cap, 10 attempts.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, maxAttempts: 10 };

/** Delay before reconnection attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

/** The whole schedule, for display and tests. */
export function backoffSchedule(policy: BackoffPolicy = defaultBackoff): number[] {
  return Array.from({ length: policy.maxAttempts }, (_, i) => backoffDelay(i + 1, policy));
}
