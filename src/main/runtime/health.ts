// The health report (GET /healthz), assembled in one place from the services.
import type { ModelStatus, ThermalStatus } from '../../shared/api';
import type { ConnectedClients } from '../rpc/connectedClients';
import type { HealthReport } from '../rpc/hearthApi';

export interface HealthSources {
  model(): ModelStatus;
  thermal(): ThermalStatus;
  answers(): { active: number; queued: number };
  conversations(): number;
  clients: ConnectedClients;
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
      ...(thermal.reason === undefined ? {} : { reason: thermal.reason }),
    },
    model,
    sessions: {
      clients: sources.clients.count,
      activeGenerations: answers.active,
      queuedPrompts: answers.queued,
    },
    conversations: sources.conversations(),
  };
}
