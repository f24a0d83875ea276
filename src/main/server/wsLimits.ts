// The limits every WebSocket connection lives under in production. The headless
// server and the kiosk both start with these; tests that want other numbers pass
// them, and wsLimits.test.ts (beside this file) shows each of these is enforced
// as written. The per-client limits that hold on every transport (message rate,
// calls in flight, new conversations) are in rpc/limits.ts, shown enforced by
// rpc/clientLimits.test.ts.

export interface WsLimits {
  /**
   * Messages above this many bytes close the socket (1009) while ws reads them,
   * before they are buffered whole or parsed. The session survives for a resume.
   */
  maxPayloadBytes: number;
  /** A client whose unsent data would pass this many bytes is disconnected. */
  maxBufferedBytes: number;
  /** How often sockets are pinged; one that missed the last ping is terminated. */
  pingIntervalMs: number;
  /** Open WebSocket connections at once; one more is closed (1013). */
  maxConnections: number;
  /** Open connections of one paired phone; one more is closed (1013). */
  maxConnectionsPerDevice: number;
}

export const DEFAULT_WS_LIMITS: Readonly<WsLimits> = Object.freeze({
  // A prompt is at most 8000 characters (32 KB of UTF-8 at worst); 64 KiB fits any call.
  maxPayloadBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  pingIntervalMs: 30_000,
  maxConnections: 64,
  maxConnectionsPerDevice: 4,
});

/** The defaults, with whichever limits the caller set. */
export function wsLimits(overrides: Partial<WsLimits>): WsLimits {
  return {
    maxPayloadBytes: overrides.maxPayloadBytes ?? DEFAULT_WS_LIMITS.maxPayloadBytes,
    maxBufferedBytes: overrides.maxBufferedBytes ?? DEFAULT_WS_LIMITS.maxBufferedBytes,
    pingIntervalMs: overrides.pingIntervalMs ?? DEFAULT_WS_LIMITS.pingIntervalMs,
    maxConnections: overrides.maxConnections ?? DEFAULT_WS_LIMITS.maxConnections,
    maxConnectionsPerDevice:
      overrides.maxConnectionsPerDevice ?? DEFAULT_WS_LIMITS.maxConnectionsPerDevice,
  };
}
