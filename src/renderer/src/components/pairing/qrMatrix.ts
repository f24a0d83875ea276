// A QR code as rectangles to draw: the `qrcode` library makes the module matrix
// (version, masking, error correction), and each run of dark modules in a row
// becomes one rectangle. React draws those as SVG: no innerHTML, no canvas, no
// inline style, so the page's strict Content-Security-Policy holds.
import { create } from 'qrcode';

export interface QrRun {
  x: number;
  y: number;
  width: number;
}

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  runs: QrRun[];
}

export function qrMatrix(text: string): QrMatrix {
  // M corrects 15 % of damage: enough for a screen, and the code stays coarse
  // enough for a phone camera held at arm's length.
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  const runs: QrRun[] = [];
  for (let y = 0; y < size; y++) {
    let start = -1;
    for (let x = 0; x <= size; x++) {
      const dark = x < size && data[y * size + x] === 1;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  }
  return { size, runs };
}
