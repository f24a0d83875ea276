// The assembled product as the transports see it: what the composition root
// (runtime/compose.ts) hands to the Electron adapter and to the headless server.
import type { HearthConfig } from '../config/config';
import type { Logger } from '../base/log';
import type { HealthReport } from '../contracts/health';
import type { HearthHandlers } from '../rpc/dispatch';
import type { EventHub } from '../rpc/eventHub';
import type { Clients } from './clients';

export type { HealthReport };

export interface HearthApi {
  readonly config: HearthConfig;
  readonly logger: Logger;
  readonly handlers: HearthHandlers;
  readonly events: EventHub;
  /** Every client, whatever carries it: each transport puts its connections on one. */
  readonly clients: Clients;
  health(): HealthReport;
  /** Releases every service, worker and timer it started. */
  dispose(): Promise<void>;
}
