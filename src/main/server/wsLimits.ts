// The limits every WebSocket client lives under in production. The headless
// server and the kiosk both start with these; tests that want other numbers pass
// them, and wsLimits.test.ts shows each of these is enforced as written.

export interface WsLimits {
  /** Frames above this many bytes are refused with an error result; the socket stays open. */
  maxFrameBytes: number;
  /** Frames above this many bytes close the socket (1009) before they are buffered whole. */
  maxPayloadBytes: number;
  /** A client whose unsent data would pass this many bytes is disconnected. */
  maxBufferedBytes: number;
  /** How often sockets are pinged; one that missed the last ping is terminated. */
  pingIntervalMs: number;
}

export const DEFAULT_WS_LIMITS: Readonly<WsLimits> = Object.freeze({
  // A prompt is at most 8000 characters; 64 KiB leaves room for any call.
  maxFrameBytes: 64 * 1024,
  maxPayloadBytes: 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  pingIntervalMs: 30_000,
});

/** The defaults, with whichever limits the caller set. */
export function wsLimits(overrides: Partial<WsLimits>): WsLimits {
  return {
    maxFrameBytes: overrides.maxFrameBytes ?? DEFAULT_WS_LIMITS.maxFrameBytes,
    maxPayloadBytes: overrides.maxPayloadBytes ?? DEFAULT_WS_LIMITS.maxPayloadBytes,
    maxBufferedBytes: overrides.maxBufferedBytes ?? DEFAULT_WS_LIMITS.maxBufferedBytes,
    pingIntervalMs: overrides.pingIntervalMs ?? DEFAULT_WS_LIMITS.pingIntervalMs,
  };
}
