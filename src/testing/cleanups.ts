// What a test file set up and must undo after each test: engines, servers,
// scratch directories. Undone newest first, so a thing is gone before what it
// stood on (an engine before its data directory).
import { afterEach } from 'vitest';
import { tempDir } from './inferenceFixtures';

export interface Cleanups {
  /** Runs after the current test ends. */
  defer(cleanup: () => unknown): void;
  /** A fresh directory, removed after the current test. */
  scratchDir(prefix?: string): string;
}

/** Call once at the top of a test file. */
export function useCleanups(): Cleanups {
  const pending: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of pending.splice(0).reverse()) await cleanup();
  });
  return {
    defer: (cleanup) => {
      pending.push(cleanup);
    },
    scratchDir(prefix) {
      const dir = tempDir(prefix);
      pending.push(dir.remove);
      return dir.path;
    },
  };
}
