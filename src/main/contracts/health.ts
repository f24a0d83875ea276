// The health report (GET /healthz), typed once: runtime/health.ts builds it from
// the services, the server sends it (all of it, or only the status).
import type { ModelStatus, ThermalStatus, VoiceAvailability } from '../../shared/api';
import type { VoiceEngineReport } from '../../shared/voice';

/** Clients with a connection attached, and clients waiting for theirs to come back. */
export interface SessionCounts {
  connected: number;
  disconnected: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'error';
  thermal: Pick<ThermalStatus, 'available' | 'temperatureC' | 'protection' | 'source' | 'reason'>;
  model: ModelStatus;
  sessions: SessionCounts & { activeGenerations: number; queuedPrompts: number };
  conversations: number;
  /** Whether Hearth can hear and speak, as found at start-up (and why not). */
  voice: VoiceAvailability;
  /** The engines in use: Silero VAD, the recognizer and the voice (model ids), and why one is missing. */
  voiceEngines: VoiceEngineReport;
}
