// The health report (GET /healthz), built in one place from the services. It
// names no absolute path of this machine, so whoever may read it whole (the
// owner, a paired phone, this machine itself) reads the same report.
import type { ModelStatus, ThermalStatus, VoiceAvailability } from '../../shared/api';
import type { VoiceEngineReport } from '../../shared/voice';
import type { HealthReport, SessionCounts } from '../contracts/health';
import { withoutPaths } from '../rpc/publicMessage';

export interface HealthSources {
  model(): ModelStatus;
  thermal(): ThermalStatus;
  answers(): { active: number; queued: number };
  conversations(): number;
  sessions(): SessionCounts;
  voice(): VoiceAvailability;
  /** The recognizer and voice in use (a downloaded model or the floor engine), and why not. */
  voiceEngines(): VoiceEngineReport;
}

export function healthReport(sources: HealthSources): HealthReport {
  const model = sources.model();
  const thermal = sources.thermal();
  const answers = sources.answers();
  const status =
    model.state === 'error'
      ? 'error'
      : thermal.protection || model.state !== 'ready'
        ? 'degraded'
        : 'ok';
  return {
    status,
    thermal: {
      available: thermal.available,
      temperatureC: thermal.temperatureC,
      protection: thermal.protection,
      source: thermal.source,
      ...(thermal.reason === undefined ? {} : { reason: withoutPaths(thermal.reason) }),
    },
    model: {
      ...model,
      ...(model.name === undefined ? {} : { name: withoutPaths(model.name) }),
      ...(model.error === undefined ? {} : { error: withoutPaths(model.error) }),
    },
    sessions: {
      ...sources.sessions(),
      activeGenerations: answers.active,
      queuedPrompts: answers.queued,
    },
    conversations: sources.conversations(),
    voice: sources.voice(),
    voiceEngines: withoutPathsIn(sources.voiceEngines()),
  };
}

/** An engine's error may name the model's folder: the report names no path. */
function withoutPathsIn(report: VoiceEngineReport): VoiceEngineReport {
  const clean = <T extends { error?: string }>(part: T): T =>
    part.error === undefined ? part : { ...part, error: withoutPaths(part.error) };
  return { vad: clean(report.vad), stt: clean(report.stt), tts: clean(report.tts) };
}
