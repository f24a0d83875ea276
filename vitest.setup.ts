// Leak guard (issue 3): a test fails if it leaves a worker thread, a server or
// a timer behind. Resources are compared before and after each test; things
// already closing get a short time to finish. See src/main/threads/leakGuard.ts.
import { afterEach, beforeEach } from 'vitest';
import {
  checkForLeaks,
  installLeakTracking,
  takeSnapshot,
  type ResourceSnapshot,
} from './src/testing/leakGuard';

installLeakTracking();

const settleMs = 1000;
let before: ResourceSnapshot | undefined;

beforeEach(() => {
  before = takeSnapshot();
});

afterEach(async (context) => {
  if (!before) return;
  const leaks = await checkForLeaks(before, settleMs);
  before = undefined;
  if (leaks.length > 0) {
    throw new Error(
      `Leak guard: test "${context.task.name}" left ${leaks.length} thing(s) running ` +
        `(still there ${settleMs} ms after it ended):\n  - ${leaks.join('\n  - ')}\n` +
        'Stop, close or clear them in the test or an afterEach.',
    );
  }
});
