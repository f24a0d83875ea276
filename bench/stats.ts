// Benchmark rows and the printed table; the statistics live with the code they measure.

export { median, percentile } from './median';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  runs?: number[];
}

export function printTable(rows: BenchRow[]): void {
  const fmt = (v: number): string =>
    Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4);
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['benchmark', 'median', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}
