// GET /healthz. Anyone who can reach the server learns whether Hearth is up;
// only the owner and paired devices get the whole report, and even theirs
// names no absolute path of this machine.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../base/log';
import type { HealthReport } from '../rpc/hearthApi';
import { withoutPaths } from '../rpc/publicMessage';
import type { Principal } from './requestAuth';

/** Client sessions: attached to a connection, or waiting for their client to come back. */
export interface SessionCounts {
  connected: number;
  disconnected: number;
}

export type HealthBody =
  | Pick<HealthReport, 'status'>
  | (Omit<HealthReport, 'sessions'> & {
      sessions: HealthReport['sessions'] & Partial<SessionCounts>;
    });

function clean(text: string | undefined): string | undefined {
  return text === undefined ? undefined : withoutPaths(text);
}

export function healthBody(
  report: HealthReport,
  principal: Principal | undefined,
  sessionCounts?: () => SessionCounts,
): HealthBody {
  if (!principal) return { status: report.status };
  const { model, thermal } = report;
  return {
    ...report,
    model: { ...model, name: clean(model.name), error: clean(model.error) },
    thermal: { ...thermal, reason: clean(thermal.reason) },
    sessions: { ...report.sessions, ...sessionCounts?.() },
  };
}

export function sendHealth(
  res: ServerResponse,
  context: {
    health: () => HealthReport;
    principal: Principal | undefined;
    sessionCounts?: () => SessionCounts;
    logger: Logger;
  },
): void {
  let report: HealthReport;
  try {
    report = context.health();
  } catch (error) {
    context.logger.error('health_failed', { error: (error as Error).message });
    res.writeHead(500, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end('health report failed');
    return;
  }
  const body = JSON.stringify(healthBody(report, context.principal, context.sessionCounts));
  res.writeHead(report.status === 'error' ? 503 : 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
