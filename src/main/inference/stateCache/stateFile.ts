// What Hearth checks in a llama.cpp sequence state file before llama.cpp reads
// it: node-llama-cpp warns that a state from another model can crash the
// process, and llama.cpp trusts the bytes it is given. The file starts with
// llama.cpp's own header: the magic 'ggsq', a format version, the number of
// tokens and the tokens (int32 each); the evaluated state follows.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** llama.cpp's LLAMA_STATE_SEQ_MAGIC ('ggsq'), little-endian. */
export const STATE_SEQ_MAGIC = 0x67677371;
const HEADER_BYTES = 12;

/** The sha256 of a file's bytes, read as a stream (a state may be tens of MB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

export interface StateHeader {
  version: number;
  tokens: number;
}

/** The header of a state file, or what is wrong with it. */
export async function readStateHeader(
  path: string,
  fileBytes: number,
): Promise<StateHeader | { problem: string }> {
  if (fileBytes < HEADER_BYTES) return { problem: `${fileBytes} bytes is shorter than a header` };
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, 0);
    const magic = header.readUInt32LE(0);
    if (magic !== STATE_SEQ_MAGIC) {
      return { problem: `magic 0x${magic.toString(16)} is not a llama.cpp sequence state` };
    }
    const tokens = header.readUInt32LE(8);
    if (HEADER_BYTES + tokens * 4 > fileBytes) {
      return { problem: `it claims ${tokens} tokens but holds ${fileBytes} bytes` };
    }
    return { version: header.readUInt32LE(4), tokens };
  } finally {
    await handle.close();
  }
}
