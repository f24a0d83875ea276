// The assembled product as the transports see it: what the composition root
// (compose.ts) hands to the Electron adapter and to the headless server.
import type { ModelStatus, ThermalStatus } from '../../shared/api';
import type { HearthHandlers } from './dispatch';
import type { EventHub } from './eventHub';
import type { HearthConfig } from '../config/config';
import type { Logger } from '../base/log';
import type { ConnectedClients } from './connectedClients';
import type { ClientSessions } from './clientSessions';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'error';
  thermal: Pick<ThermalStatus, 'available' | 'temperatureC' | 'protection' | 'source' | 'reason'>;
  model: ModelStatus;
  sessions: { clients: number; activeGenerations: number; queuedPrompts: number };
  conversations: number;
}

export interface HearthApi {
  readonly config: HearthConfig;
  readonly logger: Logger;
  readonly handlers: HearthHandlers;
  readonly events: EventHub;
  /** Every connected client; each transport registers its own. */
  readonly clients: ConnectedClients;
  /** Every client's session, whatever carries it; its counts go into the health report. */
  readonly sessions: ClientSessions;
  health(): HealthReport;
  /** Releases every service, worker and timer it started. */
  dispose(): Promise<void>;
}
