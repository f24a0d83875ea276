// The headless server for transport tests, as the composition root builds it:
// the WebSocket API with the limits a test asks for, then the server in front of
// it. Closing it closes both, sockets first.
import { redactingLogger, Redactor } from '../main/pairing/redact';
import { startHearthServer, type HearthServer, type HearthServerOptions } from '../main/server';
import { WsApi } from '../main/server/wsApi';
import { wsLimits, type WsLimits } from '../main/server/wsLimits';

/** The server's options; host and port may be left out (see startTestServer). */
export type TestServerOptions = Omit<HearthServerOptions, 'ws' | 'host' | 'port'> &
  Partial<Pick<HearthServerOptions, 'host' | 'port'>> &
  Partial<WsLimits>;

/** Unless a test says otherwise, its server listens on loopback at a free port. */
export async function startTestServer(
  options: TestServerOptions,
): Promise<HearthServer & { ws: WsApi }> {
  const logger = redactingLogger(options.logger, options.pairing?.redactor ?? new Redactor());
  const ws = new WsApi({ hearth: options.hearth, logger, ...wsLimits(options) });
  let server: HearthServer;
  try {
    server = await startHearthServer({ host: '127.0.0.1', port: 0, ...options, ws });
  } catch (error) {
    await ws.close();
    throw error;
  }
  return {
    ...server,
    ws,
    close: async () => {
      await ws.close();
      await server.close();
    },
  };
}
