// The `Pair a device: URL` line a headless Hearth prints once it listens: the
// same URL as the kiosk's QR code. It may come a moment after the listening line.
import type { HearthProcess } from '../fixtures';

const PAIR_LINE = /Pair a device: (\S+)/;

export async function printedPairingUrl(hearth: HearthProcess, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = hearth.output.map((line) => PAIR_LINE.exec(line)?.[1]).find(Boolean);
    if (url) return url;
    if (Date.now() > deadline) throw new Error(`no "Pair a device:" line\n${hearth.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
