import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { silentLogger } from '../../testing/loggers';
import { fakeHub, FIRST_COMMIT, fixtureOnHub, hubApi } from '../../testing/models/fakeHub';
import {
  closedPort,
  FIXTURE_SHA256,
  startModelServer,
  type ModelServer,
} from '../../testing/models/modelServer';
import { unpinnedStoriesEntry } from '../../testing/models/catalogEntries';
import { loadCatalog } from './catalog';
import { runModelCli, type CliIo } from './commands';
import { voiceModelCommands } from '../voice/models/voiceModelCli';
import { downloadModel } from './download';
import { piperEntry, piperItems, tarBz2 } from '../../testing/voiceArchives';

const REPO = resolve(import.meta.dirname, '../../..');

let dataDir: string;
let server: ModelServer | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function collector(): { text: string; write(chunk: string): void; isTTY: false } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
    isTTY: false,
  };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return cliWith({}, ...argv);
}

async function cliWith(
  env: Record<string, string>,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out = collector();
  const err = collector();
  const io: CliIo = {
    env: { HEARTH_DATA_DIR: dataDir, ...env },
    out,
    err,
    logger: silentLogger,
  };
  io.voice = (config) => voiceModelCommands(config, io);
  const code = await runModelCli(argv, io);
  return { code, out: out.text, err: err.text };
}

/** Runs `npm run model` the way its package.json script does, in a child process. */
function spawnCli(
  argv: string[],
  onStderr?: (text: string, kill: () => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/models/cli.ts', ...argv], {
      cwd: REPO,
      env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, () => child.kill('SIGINT'));
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const models = () => join(dataDir, 'models');

describe('npm run model', () => {
  test('pull installs a served model with a progress bar, list shows it, remove deletes it', async () => {
    server = await startModelServer();
    const pulled = await cli('pull', server.url(), '--sha256', FIXTURE_SHA256);
    expect(pulled.code).toBe(0);
    expect(pulled.out).toBe(
      `Installed stories260K.gguf: ${join(models(), 'stories260K.gguf')} (1.2 MB, sha256 checked).\n`,
    );
    expect(pulled.err).toMatch(/Downloading \[#{24}\] 100%\s+1\.2 MB of 1\.2 MB/);
    expect(pulled.err).toMatch(/Checking \[/);

    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('qwen2.5-1.5b-instruct');
    expect(listed.out).toContain('recommended');
    expect(listed.out).toMatch(
      new RegExp(`Installed in ${models()}:\\n  stories260K\\.gguf +1\\.2 MB`),
    );

    const removed = await cli('remove', 'stories260K.gguf');
    expect(removed).toEqual({
      code: 0,
      out: `Removed stories260K.gguf from ${models()}.\n`,
      err: '',
    });
    expect(await readdir(models())).toEqual([]);

    const again = await cli('remove', 'stories260K');
    expect(again.code).toBe(1);
    expect(again.err).toBe(`No model named stories260K is in ${models()}.\n`);
  });

  test('list offers every catalog model for download, none marked as blocked', async () => {
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    for (const entry of loadCatalog().entries) expect(listed.out).toContain(entry.id);
    expect(listed.out).not.toMatch(/pinned/i);
  });

  test('pull of an unpinned catalog model (HEARTH_CATALOG_FILE) takes its commit and sha256 from the hub', async () => {
    const entry = unpinnedStoriesEntry();
    const catalogFile = join(dataDir, 'catalog.json');
    await writeFile(catalogFile, JSON.stringify({ recommended: entry.id, entries: [entry] }));
    const hub = fakeHub({
      repository: entry.repository,
      files: [fixtureOnHub({ path: entry.file })],
    });
    server = await startModelServer({ api: hubApi(hub) });
    const pulled = await cliWith(
      { HF_ENDPOINT: server.origin, HEARTH_CATALOG_FILE: catalogFile },
      'pull',
      entry.id,
    );
    expect(pulled.out).toBe(
      `Installed ${entry.displayName}: ${join(models(), entry.file)} (1.2 MB, sha256 checked).\n`,
    );
    expect(pulled.code).toBe(0);
    expect(server.requests.at(-1)?.path).toBe(
      `/${entry.repository}/resolve/${FIRST_COMMIT}/${entry.file}`,
    );
  });

  test('pull of a built-in model goes straight to its pinned commit, never asking the hub', async () => {
    server = await startModelServer();
    const pulled = await cliWith({ HF_ENDPOINT: server.origin }, 'pull', 'qwen2.5-0.5b-instruct');
    expect(pulled.code).toBe(1);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    ]);
  });

  test('list shows an unfinished download, and remove deletes it', async () => {
    server = await startModelServer({ dropAfterBytes: 300_000 });
    const failed = await cli('pull', server.url(), '--sha256', FIXTURE_SHA256);
    expect(failed.code).toBe(1);
    expect(failed.err.trim().split('\n').at(-1)).toMatch(
      /^Could not download stories260K\.gguf: the connection was lost after/,
    );

    const listed = await cli('list');
    expect(listed.out).toMatch(
      /Unfinished downloads[^\n]*\n {2}stories260K\.gguf +[\d.]+ kB of 1\.2 MB/,
    );
    expect((await cli('remove', 'stories260K.gguf')).code).toBe(0);
    expect(await readdir(models())).toEqual([]);
  });

  test('a failed pull exits non-zero with one line and no model file', async () => {
    const port = await closedPort();
    const failed = await cli(
      'pull',
      `http://127.0.0.1:${port}/qwen2.5-0.5b-instruct-q4_k_m.gguf`,
      '--sha256',
      FIXTURE_SHA256,
    );
    expect(failed).toEqual({
      code: 1,
      out: '',
      err: 'Could not download Qwen2.5 0.5B Instruct: the server could not be reached (no internet?).\n',
    });
  });

  test('usage mistakes exit 2 and say what is wrong', async () => {
    const unknown = await cli('frob');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^hearth model: unknown command "frob"\n\nUsage: npm run model/);
    expect((await cli('pull')).code).toBe(2);
    expect((await cli('remove', '../config.json')).err).toBe(
      'Give the model\'s file name as "list" shows it, not a path: ../config.json\n',
    );
  });

  test('the npm script entry pulls in its own process and exits 0', async () => {
    server = await startModelServer();
    const run = await spawnCli(['pull', server.url(), '--sha256', FIXTURE_SHA256]);
    expect(run.stderr).not.toMatch(/"level"/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Installed stories260K.gguf');
    expect((await stat(join(models(), 'stories260K.gguf'))).size).toBe(1_185_376);
  });

  test('Ctrl+C cancels a pull: exit 130, the partial file stays for the next pull', async () => {
    server = await startModelServer({ tickMs: 50, chunkBytes: 16 * 1024 });
    let interrupted = false;
    const run = await spawnCli(['pull', server.url(), '--sha256', FIXTURE_SHA256], (text, kill) => {
      if (!interrupted && /Downloading \[#/.test(text)) {
        interrupted = true;
        kill();
      }
    });
    expect(run.code).toBe(130);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'Cancelled the download of stories260K.gguf; starting it again continues where it stopped.',
    );
    expect((await readdir(models())).sort()).toEqual([
      'stories260K.gguf.part',
      'stories260K.gguf.part.json',
    ]);
  });
});

describe('npm run model -- remove of a model being downloaded', () => {
  test('is refused while the download runs (it holds the lock), and allowed once it stopped', async () => {
    server = await startModelServer({ stallAfterBytes: 300_000 });
    const controller = new AbortController();
    const download = downloadModel({
      source: server.url(),
      sha256: FIXTURE_SHA256,
      modelsDir: models(),
      logger: silentLogger,
      signal: controller.signal,
      stallMs: 600_000,
    }).catch((error: unknown) => error);
    const part = join(models(), 'stories260K.gguf.part');
    while (((await stat(part).catch(() => null))?.size ?? 0) < 300_000) {
      await new Promise((done) => setTimeout(done, 10));
    }

    expect(await cli('remove', 'stories260K.gguf')).toEqual({
      code: 1,
      out: '',
      err: 'stories260K.gguf is being downloaded or copied right now; cancel that or wait until it is done, then remove it.\n',
    });
    expect((await stat(part)).size).toBeGreaterThanOrEqual(300_000);

    controller.abort();
    expect(await download).toMatchObject({ kind: 'cancelled' });
    expect((await cli('remove', 'stories260K.gguf')).code).toBe(0);
    expect(await readdir(models())).toEqual([]);
  });
});

describe('npm run model -- remove of the model Hearth starts with', () => {
  test('is refused while config.json names it, and allowed once it names another', async () => {
    server = await startModelServer();
    expect((await cli('pull', server.url(), '--sha256', FIXTURE_SHA256)).code).toBe(0);
    const configFile = join(dataDir, 'config.json');
    await writeFile(configFile, JSON.stringify({ model: join(models(), 'stories260K.gguf') }));

    const refused = await cli('remove', 'stories260K.gguf');
    expect(refused).toEqual({
      code: 1,
      out: '',
      err: `stories260K.gguf is the model Hearth starts with (${configFile} "model"), so switch to another model in Settings before removing it.\n`,
    });
    expect(await readdir(models())).toEqual(['stories260K.gguf']);

    await writeFile(configFile, JSON.stringify({ model: '/elsewhere/other.gguf' }));
    expect((await cli('remove', 'stories260K.gguf')).code).toBe(0);
    expect(await readdir(models())).toEqual([]);
  });

  test('is refused while HEARTH_MODEL names it, by path or as the hf: address it came from', async () => {
    server = await startModelServer();
    expect((await cli('pull', server.url(), '--sha256', FIXTURE_SHA256)).code).toBe(0);
    const byPath = await cliWith(
      { HEARTH_MODEL: join(models(), 'stories260K.gguf') },
      'remove',
      'stories260K.gguf',
    );
    expect(byPath.err).toBe(
      'stories260K.gguf is the model Hearth starts with (HEARTH_MODEL), so switch to another model in Settings before removing it.\n',
    );
    const byAddress = await cliWith(
      { HEARTH_MODEL: 'hf:ggml-org/models/stories260K.gguf' },
      'remove',
      'stories260K.gguf',
    );
    expect(byAddress.code).toBe(1);
    expect(await readdir(models())).toEqual(['stories260K.gguf']);
    // The environment wins over config.json, as at start-up.
    await writeFile(join(dataDir, 'config.json'), JSON.stringify({ model: '/elsewhere/x.gguf' }));
    expect(
      (await cliWith({ HEARTH_MODEL: '/elsewhere/y.gguf' }, 'remove', 'stories260K.gguf')).code,
    ).toBe(0);
  });
});

describe('voice models', () => {
  test('pull installs a voice id with download progress, list shows it installed, remove deletes it', async () => {
    const archive = tarBz2(piperItems('amy'));
    server = await startModelServer({ body: archive });
    const catalogFile = join(dataDir, 'voice-catalog.json');
    await writeFile(
      catalogFile,
      JSON.stringify([piperEntry('amy', server.url('/amy.tar.bz2'), archive)]),
    );
    const env = { HEARTH_VOICE_CATALOG_FILE: catalogFile };
    const modelDir = join(dataDir, 'voice-models', 'amy');

    const pulled = await cliWith(env, 'pull', 'amy');
    expect(pulled.err).toMatch(/^Downloading \[#+-*\] +\d+%/m);
    expect(pulled.err).toMatch(/^Checking /m);
    expect(pulled.err).toMatch(/^Unpacking and checking every file…$/m);
    expect(pulled).toMatchObject({
      code: 0,
      out: `Installed Test voice amy: ${modelDir} (sha256 checked).\n`,
    });
    expect((await readdir(modelDir)).sort()).toEqual([
      'espeak-ng-data',
      'hearth-manifest.json',
      'tokens.txt',
      'voice.onnx',
    ]);

    const listed = await cliWith(env, 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      /Voice models \(speech recognizers and voices\):\n {2}amy +voice +Test voice amy .*\[installed\]/,
    );

    expect(await cliWith(env, 'pull', 'amy', '--sha256', '0'.repeat(64))).toMatchObject({
      code: 2,
    });
    expect(await cliWith(env, 'remove', 'amy')).toEqual({
      code: 0,
      out: `Removed Test voice amy from ${join(dataDir, 'voice-models')}.\n`,
      err: '',
    });
    expect(await cliWith(env, 'remove', 'amy')).toEqual({
      code: 1,
      out: '',
      err: 'Test voice amy is not installed.\n',
    });
  });

  test('list shows the built-in voice catalog, including moonshine-tiny-en', async () => {
    const listed = await cli('list');
    expect(listed.out).toMatch(
      /^ {2}moonshine-tiny-en +recognizer +Moonshine tiny \(English\) .*\[recommended\]$/m,
    );
    expect(listed.out).toMatch(/^ {2}piper-lessac-medium +voice /m);
  });
});
