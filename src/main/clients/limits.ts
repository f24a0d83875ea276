// The limits every client lives under, whatever carries its frames. The kiosk and
// the headless server run with these; tests that want other numbers pass them,
// and clientLimits.test.ts (beside this file) shows each one enforced as
// written, so raising or removing a default fails a test.
import { AUDIO_FRAME_MAX_BYTES } from '../../shared/audio';

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
  /**
   * Audio frames a connection may send per second, on its own bucket, counted
   * before a frame is decoded. A frame is at most 100 ms, so 20 a second is
   * twice real time...
   */
  audioFramesPerSecond: number;
  /** ...and this many at once: a second's backlog after a stall, with room to spare. */
  audioFrameBurst: number;
  /** Bigger audio frames are refused before decoding (the format's own largest). */
  maxAudioFrameBytes: number;
  /** An utterance is cut (handed over as 'cut') when it reaches this length. */
  maxUtteranceMs: number;
}

export const DEFAULT_CLIENT_LIMITS: Readonly<ClientLimits> = Object.freeze({
  framesPerSecond: 20,
  frameBurst: 40,
  floodRefusals: 100,
  maxCallsInFlight: 8,
  conversationsPerMinute: 10,
  audioFramesPerSecond: 20,
  audioFrameBurst: 20,
  maxAudioFrameBytes: AUDIO_FRAME_MAX_BYTES,
  maxUtteranceMs: 30_000,
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
