// The limits every client lives under, whatever carries its frames. The kiosk and
// the headless server run with these; tests that want other numbers pass them,
// and clientLimits.test.ts (beside this file) shows each one enforced as
// written, so raising or removing a default fails a test.

export interface ClientLimits {
  /** Frames a connection may send per second, on average (token bucket)... */
  framesPerSecond: number;
  /** ...and at once after a quiet spell. Frames over the rate are refused 'rate_limited'. */
  frameBurst: number;
  /**
   * Refused frames a connection may send beyond the rate before it is cut off
   * as a flood (the bucket of refusals refills at framesPerSecond). Its session
   * survives, so a client that only misbehaved briefly resumes.
   */
  floodRefusals: number;
  /** Calls of one session still running; one more is refused 'rate_limited'. */
  maxCallsInFlight: number;
  /** New conversations a phone (or an owner's session) may create per minute. */
  conversationsPerMinute: number;
}

export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = Object.freeze({
  framesPerSecond: 20,
  frameBurst: 40,
  floodRefusals: 100,
  maxCallsInFlight: 8,
  conversationsPerMinute: 10,
});

export interface SessionLimits {
  /** How long a session waits for its client after a disconnect. */
  expireAfterMs: number;
  /** How often expired sessions are swept away. */
  sweepEveryMs: number;
  /** Sessions held at once; one more evicts the oldest disconnected one. */
  maxSessions: number;
  /** Sessions one paired phone may hold; one more evicts its oldest disconnected one. */
  maxSessionsPerDevice: number;
  /** Events held per session for replay on resume; a longer absence gets a snapshot. */
  replayFrames: number;
  /** Bytes of events held per session for replay (JSON). */
  replayBytes: number;
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = Object.freeze({
  expireAfterMs: 5 * 60_000,
  sweepEveryMs: 60_000,
  maxSessions: 256,
  maxSessionsPerDevice: 8,
  replayFrames: 2000,
  replayBytes: 512 * 1024,
});
