// A badly behaved worker: never looks at the stop signal.
import { report } from '../../main/threads/workerSide.mjs';

report({ type: 'ready' });
const start = Date.now();
// Spins (not sleeps) like runaway CPU work; a safety exit after 60 s.
while (Date.now() - start < 60_000) {
  /* ignore every stop request */
}
