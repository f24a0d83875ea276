// A model configured by address (HEARTH_MODEL or config.json "model") goes
// through the checked downloader at start-up: the engine gets a local, checked
// file or one sentence saying why not, and the models folder holds nothing
// else afterwards but what the downloader keeps for a retry.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HearthEvent, ModelStatus } from '../../shared/api';
import { fakeHub, FIRST_COMMIT, fixtureOnHub, hubApi } from '../../testing/models/fakeHub';
import {
  closedPort,
  FIXTURE_MODEL_PATH,
  FIXTURE_SHA256,
  sha256Of,
  type Behaviour,
  type ModelServer,
} from '../../testing/models/modelServer';
import { modelServersPerTest } from '../../testing/models/modelServersPerTest';
import { scratchDir, startSetupApp } from '../../testing/setupFixtures';
import { engineConfig } from '../../testing/inferenceFixtures';
import { silentLogger } from '../../testing/loggers';
import { InferenceEngine } from '../inference/engine';
import { fetchConfiguredModel } from './configuredModel';
import { partLockPath } from './partLock';

const serve = modelServersPerTest();

const hub = (behaviour: Partial<Behaviour> = {}): Promise<ModelServer> =>
  serve({ api: hubApi(fakeHub()), ...behaviour });

const HF_STORIES = 'hf:ggml-org/models/stories260K.gguf';

/** A Hearth started with this model setting; resolves once its model has settled. */
async function startWith(model: string, env: Record<string, string> = {}) {
  const setup = await startSetupApp({ env: { HEARTH_MODEL: model, ...env } });
  const modelsDir = join(setup.dataDir, 'models');
  const statuses = () =>
    setup.seen.flatMap((e: HearthEvent) => (e.type === 'model' ? [e.model] : []));
  return { ...setup, modelsDir, status: setup.app.engine.status(), statuses };
}

describe('a model configured by address', () => {
  it('an hf: URI is pinned by the hub, downloaded with progress, checked and loaded', async () => {
    const server = await hub({ tickMs: 5 });
    const started = await startWith(HF_STORIES, { HF_ENDPOINT: `${server.origin}/` });

    expect(started.status).toMatchObject({ state: 'ready' });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/models/ggml-org/models/revision/main',
      `/api/models/ggml-org/models/tree/${FIRST_COMMIT}`,
      `/ggml-org/models/resolve/${FIRST_COMMIT}/stories260K.gguf`,
    ]);
    const installed = join(started.modelsDir, 'stories260K.gguf');
    expect(readdirSync(started.modelsDir)).toEqual(['stories260K.gguf']);
    expect(sha256Of(readFileSync(installed))).toBe(FIXTURE_SHA256);
    expect(started.app.engine.modelPath).toBe(installed);
    // The download shows as loading progress before the model itself loads.
    const downloading = started
      .statuses()
      .filter((s: ModelStatus) => s.state === 'loading' && s.name === undefined);
    expect(downloading.some((s) => (s.progress ?? 0) > 0 && (s.progress ?? 0) < 1)).toBe(true);
  });

  it('an hf: URI with a revision is pinned at that revision', async () => {
    const server = await hub();
    const started = await startWith(`${HF_STORIES}#${FIRST_COMMIT}`, {
      HF_ENDPOINT: `${server.origin}/`,
    });
    expect(started.status.state).toBe('ready');
    expect(server.requests[0]?.path).toBe(`/api/models/ggml-org/models/revision/${FIRST_COMMIT}`);
  });

  it('is used from the models folder at the next start, without asking the network', async () => {
    const server = await hub();
    const first = await startWith(HF_STORIES, { HF_ENDPOINT: `${server.origin}/` });
    const port = await closedPort();
    const again = await startSetupApp({
      env: {
        HEARTH_DATA_DIR: first.dataDir,
        HEARTH_MODEL: HF_STORIES,
        HF_ENDPOINT: `http://127.0.0.1:${port}/`,
      },
    });
    expect(again.app.engine.status().state).toBe('ready');
    expect(again.app.engine.modelPath).toBe(join(first.modelsDir, 'stories260K.gguf'));
  });

  it("bytes that do not match the hub's sha256 are refused: an error sentence and no model", async () => {
    const server = await serve({
      api: hubApi(fakeHub({ files: [fixtureOnHub({ sha256: 'ab'.repeat(32) })] })),
    });
    const started = await startWith(HF_STORIES, { HF_ENDPOINT: `${server.origin}/` });
    expect(started.status).toEqual({
      state: 'error',
      error:
        'Could not download Stories 260K: the file does not match its sha256 checksum, so it was removed; try again.',
    });
    expect(readdirSync(started.modelsDir)).toEqual([]);
  });

  it('a plain http address to another computer is refused in one sentence, writing nothing', async () => {
    const started = await startWith('http://example.com/models/m.gguf');
    expect(started.status).toEqual({
      state: 'error',
      error:
        'Could not download http://example.com/models/m.gguf: only https addresses are allowed (plain http only to this computer).',
    });
    expect(readdirSync(started.modelsDir)).toEqual([]);
  });

  it('an hf: URI whose hub endpoint is plain http elsewhere, or in the quantization form, is refused', async () => {
    const elsewhere = await startWith(HF_STORIES, { HF_ENDPOINT: 'http://mirror.lan/' });
    expect(elsewhere.status.error).toBe(
      `Could not download ${HF_STORIES}: only https addresses are allowed (plain http only to this computer) (the hub endpoint is http://mirror.lan/).`,
    );
    expect(readdirSync(elsewhere.modelsDir)).toEqual([]);

    const quantization = await startWith('hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M');
    expect(quantization.status.error).toBe(
      'Could not download hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M: name the file in the hf: address, as hf:<owner>/<repo>/<file>.gguf#<revision>.',
    );
  });

  it('an https address has no checksum: refused with the pull command to run, unless installed', async () => {
    const address = 'https://models.example/files/stories260K.gguf';
    const refused = await startWith(address);
    expect(refused.status).toEqual({
      state: 'error',
      error: `Could not download Stories 260K: Hearth downloads an https address only with its sha256, so run npm run model -- pull ${address} --sha256 <hex> once and start Hearth again.`,
    });
    expect(readdirSync(refused.modelsDir)).toEqual([]);

    // What that pull installs is then used as it is, with no network.
    copyFileSync(FIXTURE_MODEL_PATH, join(refused.modelsDir, 'stories260K.gguf'));
    const installed = await startSetupApp({
      env: { HEARTH_DATA_DIR: refused.dataDir, HEARTH_MODEL: address },
    });
    expect(installed.app.engine.status().state).toBe('ready');
  });

  it("a failed download leaves another model's unfinished download untouched", async () => {
    const port = await closedPort();
    const dataDir = scratchDir();
    const modelsDir = join(dataDir, 'models');
    mkdirSync(modelsDir);
    const part = join(modelsDir, 'other.gguf.part');
    const meta = join(modelsDir, 'other.gguf.part.json');
    writeFileSync(part, Buffer.alloc(4096, 7));
    writeFileSync(meta, '{"url":"https://h/other.gguf","total":8192,"validator":null}\n');

    const started = await startSetupApp({
      env: {
        HEARTH_DATA_DIR: dataDir,
        HEARTH_MODEL: HF_STORIES,
        HF_ENDPOINT: `http://127.0.0.1:${port}/`,
      },
    });
    expect(started.app.engine.status()).toEqual({
      state: 'error',
      error: 'Could not download Stories 260K: the server could not be reached (no internet?).',
    });
    expect(readdirSync(modelsDir).sort()).toEqual(['other.gguf.part', 'other.gguf.part.json']);
    expect(readFileSync(part)).toEqual(Buffer.alloc(4096, 7));
  });

  it('switching to a file while it downloads cancels the download without an error, keeping its .part', async () => {
    const server = await hub({ stallAfterBytes: 300_000 });
    const dataDir = scratchDir();
    const modelsDir = join(dataDir, 'models');
    const engine = new InferenceEngine({
      config: engineConfig({ model: HF_STORIES, dataDir }),
      logger: silentLogger,
      baseThreads: 1,
      fetchRemoteModel: (address, progress) =>
        fetchConfiguredModel(address, {
          ...progress,
          modelsDir,
          logger: silentLogger,
          env: { HF_ENDPOINT: `${server.origin}/` },
          stallMs: 600_000,
        }),
    });
    const statuses: ModelStatus[] = [];
    engine.onStatus((status) => statuses.push(status));
    try {
      void engine.start();
      const lock = partLockPath(modelsDir, 'stories260K.gguf');
      const part = join(modelsDir, 'stories260K.gguf.part');
      // Under way: bytes have arrived (the server then stalls, so it stays under way).
      while (!existsSync(part) || statSync(part).size === 0) {
        await new Promise((done) => setTimeout(done, 10));
      }
      expect(existsSync(lock)).toBe(true);

      expect(await engine.switchModel(FIXTURE_MODEL_PATH)).toMatchObject({ state: 'ready' });
      expect(statuses.filter((s) => s.state === 'error')).toEqual([]);
      expect(existsSync(lock)).toBe(false);
      expect(readdirSync(modelsDir).sort()).toEqual([
        'stories260K.gguf.part',
        'stories260K.gguf.part.json',
      ]);
    } finally {
      await engine.dispose();
    }
  });
});
