// Keeps one CPU core fully busy until the owner asks it to stop: the load for
// the "Check cooling" self-test.
import { report, shouldStop } from '../workerSide.mjs';

report({ type: 'ready' });
let sink = 0;
let rounds = 0;
while (!shouldStop()) {
  // About 0.1 ms of arithmetic between checks: stop is noticed at once.
  for (let i = 0; i < 20_000; i++) sink = Math.sqrt(sink + i);
  rounds++;
}
report({ type: 'done', rounds, sink });
