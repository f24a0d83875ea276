import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import {
  findVadModel,
  VAD_MODEL_BYTES,
  VAD_MODEL_FILE,
  VAD_MODEL_SHA256,
  vadModelPath,
  vadModelProblem,
} from './vadModel';

const cleanups = useCleanups();
const repoRoot = join(import.meta.dirname, '..', '..', '..');

describe('the pinned Silero VAD model', () => {
  it('is the file in resources/voice, with the sha256 and size the code pins', async () => {
    const path = vadModelPath();
    expect(path).toBe(join(repoRoot, 'resources', 'voice', VAD_MODEL_FILE));
    const bytes = readFileSync(path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(VAD_MODEL_SHA256);
    expect(statSync(path).size).toBe(VAD_MODEL_BYTES);
    expect(await vadModelProblem(path)).toBeUndefined();
    // Its origin and licence ship with it.
    expect(readFileSync(join(repoRoot, 'resources', 'voice', 'README.md'), 'utf8')).toContain(
      VAD_MODEL_SHA256,
    );
    expect(
      readFileSync(join(repoRoot, 'resources', 'voice', 'LICENSE-silero-vad.txt'), 'utf8'),
    ).toContain('Copyright (c) 2020-present Silero Team');
  });

  it('is found from the electron-vite build (out/main and a chunk below it)', () => {
    for (const from of [
      'out/main/index.js',
      'out/main/chunks/compose-abc.js',
      'out/main/workers/vad.js',
    ]) {
      expect(findVadModel(pathToFileURL(join(repoRoot, from)).href).path).toBe(vadModelPath());
    }
  });

  it('is found outside app.asar in a package, where onnxruntime can read it', () => {
    const app = cleanups.scratchDir('hearth-asar-');
    const unpacked = join(app, 'resources', 'app.asar.unpacked', 'resources', 'voice');
    mkdirSync(unpacked, { recursive: true });
    copyFileSync(vadModelPath(), join(unpacked, VAD_MODEL_FILE));
    const from = pathToFileURL(
      join(app, 'resources', 'app.asar', 'out', 'main', 'chunks', 'x.js'),
    ).href;
    expect(findVadModel(from).path).toBe(join(unpacked, VAD_MODEL_FILE));
  });

  it('is reported missing with where it was looked for, and damaged when it is not the pinned file', async () => {
    const dir = cleanups.scratchDir('hearth-vad-');
    const from = pathToFileURL(join(dir, 'out', 'main', 'index.js')).href;
    expect(findVadModel(from).path).toBeUndefined();
    expect(() => vadModelPath(from)).toThrow(
      `${VAD_MODEL_FILE} is missing; looked in ${join(dir, 'out', 'main', 'resources', 'voice', VAD_MODEL_FILE)}`,
    );

    const truncated = join(dir, 'truncated.onnx');
    copyFileSync(vadModelPath(), truncated);
    truncateSync(truncated, 1000);
    expect(await vadModelProblem(truncated)).toMatch(
      /damaged or not the pinned one \(sha256 [0-9a-f]{64}; expected 2623a295/,
    );
    expect(await vadModelProblem(join(dir, 'nothing.onnx'))).toMatch(/cannot be read: ENOENT/);
  });
});
