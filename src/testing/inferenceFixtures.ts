// Shared by the engine and app tests: the fixture models (used in place, never
// copied) and a small-config builder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Emitter } from '../shared/emitter';
import type { HearthConfig } from '../main/config/config';
import type { InferenceThrottle } from '../main/contracts/throttle';
import type { EngineConfig } from '../main/inference/engine';

/** The engine's settings plus HEARTH_THREADS, which a test turns into baseThreads. */
export type TestEngineConfig = EngineConfig & Pick<HearthConfig, 'threads'>;

export const FIXTURE_MODEL = resolve(process.cwd(), '../shared/models/stories260K.gguf');
export const FIXTURE_CHATML_MODEL = resolve(
  process.cwd(),
  '../shared/models/stories260K-chatml.gguf',
);

export function tempDir(prefix = 'hearth-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function engineConfig(overrides: Partial<TestEngineConfig> = {}): TestEngineConfig {
  return {
    model: FIXTURE_MODEL,
    dataDir: overrides.dataDir ?? join(tmpdir(), 'hearth-unused-data-dir'),
    threads: 1,
    contextSize: 2048,
    maxTokens: 48,
    temperature: 0,
    seed: undefined,
    systemPrompt: 'You are Hearth, a helpful assistant. Answer briefly.',
    ...overrides,
  };
}

/** A throttle a test can turn: hold, thread cap and token delay. */
export function manualThrottle(): InferenceThrottle & {
  set(values: { hold?: string | null; cap?: number | undefined; delayMs?: number }): void;
} {
  let hold: string | null = null;
  let cap: number | undefined;
  let delayMs = 0;
  // A listener that throws fails the test that turned the throttle.
  const changed = new Emitter<void>((error) => {
    throw error;
  });
  return {
    threadCap: () => cap,
    tokenDelayMs: () => delayMs,
    holdReason: () => hold,
    onChange: (listener) => changed.subscribe(listener),
    set(values) {
      if ('hold' in values) hold = values.hold ?? null;
      if ('cap' in values) cap = values.cap;
      if (values.delayMs !== undefined) delayMs = values.delayMs;
      changed.fire();
    },
  };
}
