// Reads a whole model file once, off the main thread: its size, its first four
// bytes (a GGUF file starts with "GGUF") and its sha256. Hashing a gigabyte
// takes seconds on a Pi, which must not freeze the UI or the phones' sockets.
// Plain JavaScript for the same reason as ../../threads/workerSide.mjs.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { report, shouldStop, threadInput } from '../../threads/workerSide.mjs';

const CHUNK_BYTES = 4 * 1024 * 1024;
const REPORT_EVERY_MS = 200;

const input = threadInput();
const path = input && typeof input === 'object' ? input.path : undefined;
if (typeof path !== 'string') throw new Error('hashFile needs { path }');

const fd = openSync(path, 'r');
try {
  const size = fstatSync(fd).size;
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let head = '';
  let done = 0;
  let lastReport = 0;
  let stopped = false;
  for (;;) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    const read = readSync(fd, buffer, 0, CHUNK_BYTES, done);
    if (read === 0) break;
    if (done === 0) head = buffer.subarray(0, Math.min(4, read)).toString('latin1');
    hash.update(buffer.subarray(0, read));
    done += read;
    const now = Date.now();
    if (now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      report({ type: 'progress', bytes: done, total: size });
    }
  }
  if (stopped) report({ type: 'stopped' });
  else report({ type: 'done', size: done, head, sha256: hash.digest('hex') });
} finally {
  closeSync(fd);
}
