// A model file's identity for its saved states, without reading the whole file:
// hashing a 1 GB model from an SD card takes longer than the states save. The
// fingerprint hashes the size and 64 KiB samples at 33 evenly spaced offsets
// (the first holds the GGUF header, tensor names and shapes; the last, the end of
// the weights). Two different models, or a file re-quantized, differ in their
// header and in every sample; a copy of the same file gets the same fingerprint
// wherever it lies, so a model moved to another folder keeps its states.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const SAMPLES = 33;
const SAMPLE_BYTES = 64 * 1024;

export async function modelFingerprint(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256');
    hash.update(`gguf-sampled-v1:${size}:`);
    const sample = Buffer.alloc(SAMPLE_BYTES);
    const last = Math.max(0, size - SAMPLE_BYTES);
    for (let i = 0; i < SAMPLES; i++) {
      const offset = Math.floor((last * i) / (SAMPLES - 1));
      const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, offset);
      hash.update(sample.subarray(0, bytesRead));
      if (size <= SAMPLE_BYTES) break;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
