// The health report (GET /healthz), built in one place from the services. It
// names no absolute path of this machine, so whoever may read it whole (the
// owner, a paired phone, this machine itself) reads the same report.
import type { ModelStatus, ThermalStatus, VoiceAvailability } from '../../shared/api';
import type { HealthReport, SessionCounts } from '../contracts/health';
import { withoutPaths } from '../rpc/publicMessage';

export interface HealthSources {
  model(): ModelStatus;
  thermal(): ThermalStatus;
  answers(): { active: number; queued: number };
  conversations(): number;
  sessions(): SessionCounts;
  voice(): VoiceAvailability;
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
  };
}
