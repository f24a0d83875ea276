import { create } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrMatrix } from './qrMatrix';

const url = 'http://192.168.1.20:8737/pair?code=k3J9-xQ2m-7PzA';

describe('QR code as rectangles', () => {
  it("covers exactly the library's dark modules, one rectangle per run", () => {
    const { size, runs } = qrMatrix(url);
    const { modules } = create(url, { errorCorrectionLevel: 'M' });
    expect(size).toBe(modules.size);
    const drawn = new Set<string>();
    for (const run of runs) {
      for (let x = run.x; x < run.x + run.width; x++) drawn.add(`${x},${run.y}`);
    }
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        expect(drawn.has(`${x},${y}`)).toBe(modules.get(y, x) === 1);
      }
    }
    // Runs never touch: adjacent dark modules would have been one run.
    const byRow = runs.toSorted((a, b) => a.y - b.y || a.x - b.x);
    byRow.forEach((run, i) => {
      const before = byRow[i - 1];
      if (before?.y === run.y) expect(run.x).toBeGreaterThan(before.x + before.width);
    });
  });

  it('a different code gives a different picture', () => {
    expect(qrMatrix(url).runs).not.toEqual(qrMatrix(url.replace('k3J9', 'k3J8')).runs);
  });
});
