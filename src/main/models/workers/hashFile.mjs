// Reads a whole model file once, off the main thread: its size, its first four
// bytes (a GGUF file starts with "GGUF") and its sha256. Hashing a gigabyte
// takes seconds on a Pi, which must not freeze the UI or the phones' sockets.
// Given { paths } instead of { path }, it hashes each file in turn and sends
// one 'file' answer per file (a voice model's folder holds hundreds of small
// files; a thread each would cost more than the hashing), then 'done'.
// Plain JavaScript for the same reason as ../../threads/workerSide.mjs.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { report, shouldStop, threadInput } from '../../threads/workerSide.mjs';

const CHUNK_BYTES = 4 * 1024 * 1024;
const REPORT_EVERY_MS = 200;

const input = threadInput();
const path = input && typeof input === 'object' ? input.path : undefined;
const paths = input && typeof input === 'object' ? input.paths : undefined;
const many = Array.isArray(paths) && paths.every((p) => typeof p === 'string');
if (typeof path !== 'string' && !many) throw new Error('hashFile needs { path } or { paths }');

const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
let lastReport = 0;

/** The file's size, head and sha256, or null when asked to stop. */
function hashOne(file, progress) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const hash = createHash('sha256');
    let head = '';
    let done = 0;
    for (;;) {
      if (shouldStop()) return null;
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, done);
      if (read === 0) break;
      if (done === 0) head = buffer.subarray(0, Math.min(4, read)).toString('latin1');
      hash.update(buffer.subarray(0, read));
      done += read;
      if (progress) {
        const now = Date.now();
        if (now - lastReport >= REPORT_EVERY_MS) {
          lastReport = now;
          report({ type: 'progress', bytes: done, total: size });
        }
      }
    }
    return { size: done, head, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

if (many) {
  let stopped = false;
  for (const [index, file] of paths.entries()) {
    const hashed = hashOne(file, false);
    if (hashed === null) {
      stopped = true;
      break;
    }
    report({ type: 'file', size: hashed.size, sha256: hashed.sha256 });
    const now = Date.now();
    if (now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      report({ type: 'progress', bytes: index + 1, total: paths.length });
    }
  }
  if (stopped) report({ type: 'stopped' });
  else report({ type: 'done', size: paths.length, head: '', sha256: '' });
} else {
  const hashed = hashOne(path, true);
  if (hashed === null) report({ type: 'stopped' });
  else report({ type: 'done', ...hashed });
}
