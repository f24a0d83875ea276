import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // node-llama-cpp and worker threads want a real process per file.
    pool: 'forks',
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary'] },
  },
});
