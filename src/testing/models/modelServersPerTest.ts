// Model servers for Vitest files (kept apart from modelServer.ts, which the
// Playwright specs import too and which must not pull Vitest in).
import { afterEach } from 'vitest';
import { startModelServer, type Behaviour, type ModelServer } from './modelServer';

/**
 * Starts model servers for the tests of one file: each is closed after the
 * test that started it. Call once at the top of the file.
 */
export function modelServersPerTest(): (behaviour?: Partial<Behaviour>) => Promise<ModelServer> {
  const servers: ModelServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (behaviour = {}) => {
    const server = await startModelServer(behaviour);
    servers.push(server);
    return server;
  };
}
