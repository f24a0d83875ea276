import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../contracts/failure';
import { createMemoryLogger } from '../../testing/loggers';
import { chatWrapperFor } from './chatSettings';
import { InferenceEngine } from './engine';
import { countPhysicalCores, inferenceThreads } from './physicalCores';
import { engineDiagnostics } from '../../testing/engineDiagnostics';
import { engineConfig, FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { useCleanups } from '../../testing/cleanups';
import { getLlama, GeneralChatWrapper, ChatMLChatWrapper } from 'node-llama-cpp';

const cleanups = useCleanups();
const scratch = () => cleanups.scratchDir();

async function settle(model: string | undefined, dataDir = scratch()) {
  const logger = createMemoryLogger();
  const engine = new InferenceEngine({
    config: engineConfig({ model, dataDir }),
    logger,
    baseThreads: 1,
  });
  cleanups.defer(() => engine.dispose());
  const status = await engine.start();
  return { engine, status, logger };
}

function expectPromptRejected(engine: InferenceEngine): void {
  try {
    void engine.generate({
      clientId: 'kiosk',
      conversationId: 'c',
      messageId: 'm',
      prompt: 'Hello',
      history: () => [],
    });
    expect.fail('generate should have thrown');
  } catch (error) {
    expect(error).toBeInstanceOf(ApiFailure);
    expect((error as ApiFailure).code).toBe('model_unavailable');
  }
}

describe('a bad model file gives a clear error status, a log entry, and rejected prompts', () => {
  it('missing file', async () => {
    const path = join(scratch(), 'nope.gguf');
    const { engine, status, logger } = await settle(path);
    expect(status.state).toBe('error');
    expect(status.error).toContain(path);
    expect(status.error).toMatch(/not found/);
    expect(logger.entries.some((e) => e.level === 'error' && e.eventType === 'model_invalid')).toBe(
      true,
    );
    expectPromptRejected(engine);
  });

  it('a directory instead of a file', async () => {
    const dir = scratch();
    const { status } = await settle(dir);
    expect(status).toMatchObject({ state: 'error' });
    expect(status.error).toMatch(/not a file/);
  });

  it('truncated file (an interrupted copy of the fixture)', async () => {
    const path = join(scratch(), 'truncated.gguf');
    writeFileSync(path, readFileSync(FIXTURE_MODEL).subarray(0, 600_000));
    const { engine, status } = await settle(path);
    expect(status.state).toBe('error');
    expect(status.error).toContain(path);
    expect(status.error).toMatch(/truncated/);
    expectPromptRejected(engine);
  });

  it('a file too small to hold a GGUF header', async () => {
    const path = join(scratch(), 'tiny.gguf');
    writeFileSync(path, 'GGUF');
    const { status } = await settle(path);
    expect(status.error).toMatch(/truncated/);
  });

  it('not a GGUF file', async () => {
    const path = join(scratch(), 'notes.gguf');
    writeFileSync(path, 'These are not the weights you are looking for.\n'.repeat(100));
    const { engine, status } = await settle(path);
    expect(status.state).toBe('error');
    expect(status.error).toContain(path);
    expect(status.error).toMatch(/Not a GGUF/);
    expectPromptRejected(engine);
  });

  it('GGUF magic followed by garbage', async () => {
    const path = join(scratch(), 'garbage.gguf');
    const garbage = Buffer.alloc(200_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
    writeFileSync(path, Buffer.concat([Buffer.from('GGUF'), garbage]));
    const { engine, status } = await settle(path);
    expect(status.state).toBe('error');
    expect(status.error).toContain(path);
    expect(status.error).toMatch(/corrupt/);
    expectPromptRejected(engine);
  });

  it('a well-formed GGUF that llama.cpp refuses (unknown architecture)', async () => {
    const bytes = Buffer.from(readFileSync(FIXTURE_MODEL));
    const key = bytes.indexOf('general.architecture');
    // key, then value type (u32) and string length (u64), then "llama"
    const value = key + 'general.architecture'.length + 12;
    expect(bytes.subarray(value, value + 5).toString()).toBe('llama');
    bytes.write('xxxxx', value, 'latin1');
    const path = join(scratch(), 'alien.gguf');
    writeFileSync(path, bytes);
    const { engine, status } = await settle(path);
    expect(status.state).toBe('error');
    expect(status.error).toContain(path);
    expect(status.error).toMatch(/failed to load.*unknown model architecture/i);
    expectPromptRejected(engine);
  });
});

describe('where the model comes from', () => {
  it("no model configured and none in the data directory: state 'none' saying how to set one", async () => {
    const dataDir = scratch();
    const { engine, status } = await settle(undefined, dataDir);
    expect(status.state).toBe('none');
    expect(status.error).toBe(
      'No model configured. Set HEARTH_MODEL to a .gguf file path or an hf: URI that names the file ' +
        `(hf:<owner>/<repo>/<file>.gguf), or put a .gguf file in ${join(dataDir, 'models')}.`,
    );
    expectPromptRejected(engine);
  });

  it('the first .gguf file in <dataDir>/models when HEARTH_MODEL is not set', async () => {
    const dataDir = scratch();
    mkdirSync(join(dataDir, 'models'));
    writeFileSync(join(dataDir, 'models', 'readme.txt'), 'not a model');
    symlinkSync(FIXTURE_MODEL, join(dataDir, 'models', 'stories.gguf'));
    const { status } = await settle(undefined, dataDir);
    expect(status).toMatchObject({ state: 'ready', threads: 1 });
  });

  it('the engine never downloads: an address with no fetcher given is an error, and nothing is written', async () => {
    const dataDir = scratch();
    const { engine, status } = await settle('hf:hearth-test/some-repo/model.gguf', dataDir);
    expect(status).toEqual({
      state: 'error',
      error:
        'hf:hearth-test/some-repo/model.gguf is an address, and this Hearth cannot download models; set HEARTH_MODEL to a .gguf file path.',
    });
    expect(readdirSync(dataDir)).toEqual([]);
    expectPromptRejected(engine);
  });
});

describe('chat template choice', () => {
  it('GeneralChatWrapper for stories260K.gguf (no template), ChatML for the ChatML fixture', async () => {
    const llama = await getLlama({ gpu: false, maxThreads: 1 });
    cleanups.defer(() => llama.dispose());
    const plain = await llama.loadModel({ modelPath: FIXTURE_MODEL });
    const chatml = await llama.loadModel({ modelPath: FIXTURE_CHATML_MODEL });
    expect(chatWrapperFor(plain)).toBeInstanceOf(GeneralChatWrapper);
    expect(chatWrapperFor(chatml)).toBeInstanceOf(ChatMLChatWrapper);
    await plain.dispose();
    await chatml.dispose();
  });
});

describe('thread count', () => {
  it('counts physical cores, not hyper-threads, from /proc/cpuinfo', () => {
    const cpu = (processor: number, physical: number, core: number) =>
      `processor\t: ${processor}\nphysical id\t: ${physical}\ncore id\t\t: ${core}\n`;
    const twoCoresFourThreads = [cpu(0, 0, 0), cpu(1, 0, 1), cpu(2, 0, 0), cpu(3, 0, 1)];
    expect(countPhysicalCores(twoCoresFourThreads.join('\n'))).toBe(2);
    const twoSockets = [cpu(0, 0, 0), cpu(1, 1, 0)];
    expect(countPhysicalCores(twoSockets.join('\n'))).toBe(2);
    // Raspberry Pi 5 (arm64) cpuinfo has no core ids: the caller falls back.
    expect(countPhysicalCores('processor\t: 0\nBogoMIPS\t: 108.00\n')).toBeNull();
  });

  it('defaults to the physical core count, and HEARTH_THREADS overrides it', () => {
    expect(inferenceThreads(undefined, 3)).toBe(3);
    expect(inferenceThreads(1, 3)).toBe(1);
  });

  it('loads the model with the base thread count the composition root gives it', async () => {
    const engine = new InferenceEngine({
      config: engineConfig({ contextSize: 256 }),
      logger: createMemoryLogger(),
      baseThreads: 2,
    });
    cleanups.defer(() => engine.dispose());
    expect(engine.threads).toBe(2);
    expect(await engine.start()).toMatchObject({ state: 'ready', threads: 2 });
    expect(engineDiagnostics(engine)).toMatchObject({ maxThreads: 2, contextThreads: 2 });
  });
});
