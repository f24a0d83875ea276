// Shared set-up for download tests: a fresh models directory per test, loopback
// servers closed after each test, and helpers to pull and to inspect failures.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { loggerFrom } from '../../main/base/log';
import {
  downloadModel,
  type DownloadRequest,
  type InstalledModel,
} from '../../main/models/download';
import { ModelDownloadError } from '../../main/models/downloadError';
import { FIXTURE_SHA256, startModelServer, type Behaviour, type ModelServer } from './modelServer';

const silentLogger = loggerFrom(() => {});

export interface DownloadHarness {
  /** This test's models directory. */
  readonly dir: string;
  /** Starts a server that is closed when the test ends. */
  serve(behaviour?: Partial<Behaviour>): Promise<ModelServer>;
  /** downloadModel into this test's directory, expecting the fixture's sha256 unless told otherwise. */
  pull(request: Partial<DownloadRequest> & { source: string }): Promise<InstalledModel>;
  /** Names in the directory that a model scan would load (it loads .gguf files only). */
  ggufFiles(): Promise<string[]>;
}

export function useDownloadHarness(): DownloadHarness {
  let dir = '';
  const servers: ModelServer[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-models-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async serve(behaviour) {
      const server = await startModelServer(behaviour);
      servers.push(server);
      return server;
    },
    pull: (request) =>
      downloadModel({ modelsDir: dir, logger: silentLogger, sha256: FIXTURE_SHA256, ...request }),
    ggufFiles: async () => (await readdir(dir)).filter((name) => name.endsWith('.gguf')),
  };
}

/** The ModelDownloadError a download failed with; fails the test if it succeeded. */
export async function failureOf(promise: Promise<unknown>): Promise<ModelDownloadError> {
  const outcome = await promise.then(
    () => new Error('the download succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ModelDownloadError);
  return outcome as ModelDownloadError;
}
