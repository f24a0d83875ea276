// GET /healthz. Anyone who can reach the server learns whether Hearth is up;
// the owner, paired devices and this machine itself (a monitoring script, curl
// over SSH) get the whole report, and even theirs names no absolute path of
// this machine. It is read-only: a loopback caller gets nothing more.
import type { ServerResponse } from 'node:http';
import type { Logger } from '../base/log';
import type { HealthReport } from '../contracts/health';

export type HealthBody = Pick<HealthReport, 'status'> | HealthReport;

/** The whole report for whoever may read it, else only whether Hearth is up. */
export function healthBody(report: HealthReport, whole: boolean): HealthBody {
  return whole ? report : { status: report.status };
}

export function sendHealth(
  res: ServerResponse,
  context: {
    health: () => HealthReport;
    /** The whole report (owner, device, this machine), or only the status. */
    whole: boolean;
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
  const body = JSON.stringify(healthBody(report, context.whole));
  res.writeHead(report.status === 'error' ? 503 : 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
