// The rows of `npm run bench reopen`: each way's median wait at each depth,
// what the cache wrote, and at the deepest, what a reopen and a restart add over
// the in-slot floor against what re-evaluation adds.
import { median, type BenchRow } from './stats';
import type { Timed } from './reopenEngines';

/** In-slot and reopen runs per round and depth (restarts: one each, as each needs a new engine). */
export const SLOT_RUNS_PER_ROUND = 2;

/** Every run of every way at one depth. */
export interface Figures {
  inSlot: Timed[];
  reopenCache: Timed[];
  reopenPlain: Timed[];
  restartCache: Timed[];
  restartPreload: Timed[];
  restartPlain: Timed[];
  /** Tokens the conversation's sequence held before the in-slot follow-up. */
  depths: number[];
  /** Within a reopen with the cache: saving the conversation whose slot it takes, then loading. */
  reopenSaveMs: number[];
  reopenLoadMs: number[];
  /** After a restart: from the question to its state loaded; how long engine.preload() took. */
  restartLoadMs: number[];
  preloadMs: number[];
  /** Per eviction of a conversation at this depth: its state file, and what went through the port. */
  evictionStateBytes: number[];
  evictionIndexBytes: number[];
  evictionFsyncs: number[];
  /** States the index named after that eviction: the index is written whole each time. */
  evictionIndexed: number[];
  /** State files an orderly shutdown saved at this depth, and the tokens each holds. */
  savedBytes: number[];
  savedTokens: number[];
}

export const newFigures = (): Figures => ({
  inSlot: [],
  reopenCache: [],
  reopenPlain: [],
  restartCache: [],
  restartPreload: [],
  restartPlain: [],
  depths: [],
  reopenSaveMs: [],
  reopenLoadMs: [],
  restartLoadMs: [],
  preloadMs: [],
  evictionStateBytes: [],
  evictionIndexBytes: [],
  evictionFsyncs: [],
  evictionIndexed: [],
  savedBytes: [],
  savedTokens: [],
});

const msOf = (runs: Timed[]): number[] => runs.map((run) => run.ms);
const cpuOf = (runs: Timed[]): number[] => runs.map((run) => run.cpuMs);

/** The mean of each round's in-slot runs. */
function perRound(values: number[]): number[] {
  return Array.from({ length: Math.ceil(values.length / SLOT_RUNS_PER_ROUND) }, (_, k) => {
    const round = values.slice(k * SLOT_RUNS_PER_ROUND, (k + 1) * SLOT_RUNS_PER_ROUND);
    return round.reduce((sum, v) => sum + v, 0) / round.length;
  });
}

/** (way − in slot) / (re-evaluation − in slot), paired run by run. */
function addedRatio(way: number[], plain: number[], inSlot: number[]): number {
  return median(
    way.map((ms, i) => {
      const floor = inSlot[i] ?? Number.NaN;
      return (ms - floor) / ((plain[i] ?? Number.NaN) - floor);
    }),
  );
}

export function depthRows(figures: Figures, withRatios: boolean): BenchRow[] {
  const at = `reopen @${median(figures.depths).toFixed(0)} tok`;
  const timed = (label: string, runs: Timed[]): BenchRow => ({
    name: `${at}: first token, ${label} (evaluated ${median(runs.map((r) => r.evaluated))} tok)`,
    value: median(msOf(runs)),
    unit: 'ms',
    runs: msOf(runs),
  });
  const state = median(figures.evictionStateBytes);
  const index = median(figures.evictionIndexBytes);
  const rows: BenchRow[] = [
    timed('in slot (floor)', figures.inSlot),
    timed('reopen with cache', figures.reopenCache),
    {
      name: `${at}:   of which writing the state of the conversation whose slot it takes`,
      value: median(figures.reopenSaveMs),
      unit: 'ms',
      runs: figures.reopenSaveMs,
    },
    {
      name: `${at}:   of which checking and loading its state`,
      value: median(figures.reopenLoadMs),
      unit: 'ms',
      runs: figures.reopenLoadMs,
    },
    timed('reopen without cache', figures.reopenPlain),
    timed('after restart with cache', figures.restartCache),
    {
      name: `${at}:   of which checking and loading its state`,
      value: median(figures.restartLoadMs),
      unit: 'ms',
      runs: figures.restartLoadMs,
    },
    timed('after restart with cache, preloaded', figures.restartPreload),
    {
      name: `${at}:   the background load before it (engine.preload)`,
      value: median(figures.preloadMs),
      unit: 'ms',
      runs: figures.preloadMs,
    },
    timed('after restart without cache', figures.restartPlain),
    {
      name: `${at}: bytes written per eviction`,
      value: state + index,
      unit: `B (state ${state} + index ${index} naming ${median(figures.evictionIndexed)})`,
      runs: figures.evictionStateBytes.map((s, i) => s + (figures.evictionIndexBytes[i] ?? 0)),
    },
    { name: `${at}: fsyncs per eviction`, value: median(figures.evictionFsyncs), unit: 'fsyncs' },
    {
      name: `${at}: state file per token (${median(figures.savedTokens)} tokens)`,
      value: median(figures.savedBytes) / median(figures.savedTokens),
      unit: 'B/token',
    },
  ];
  if (withRatios) {
    const target = { unit: 'x', target: '<= 0.10' };
    const reopen = (of: (runs: Timed[]) => number[]): number =>
      addedRatio(of(figures.reopenCache), of(figures.reopenPlain), of(figures.inSlot));
    // One restart of each kind per round: against the mean of that round's in-slot runs.
    const restart = (of: (runs: Timed[]) => number[]): number =>
      addedRatio(of(figures.restartCache), of(figures.restartPlain), perRound(of(figures.inSlot)));
    const wall = { reopen: reopen(msOf), restart: restart(msOf) };
    const inSlot = msOf(figures.inSlot);
    const plain = msOf(figures.reopenPlain);
    const cacheWork = figures.reopenSaveMs.map((ms, i) => ms + (figures.reopenLoadMs[i] ?? 0));
    rows.push(
      {
        name: `${at}: (reopen with cache − in slot) / (reopen without − in slot), paired`,
        value: wall.reopen,
        ...target,
        pass: wall.reopen <= 0.1,
      },
      {
        name: `${at}:   the same in CPU time (other programs hardly change it; no fsync waits)`,
        value: reopen(cpuOf),
        unit: 'x',
      },
      {
        name: `${at}:   the cache's own work (save + check + load) / (reopen without − in slot)`,
        value: median(cacheWork.map((ms, i) => ms / ((plain[i] ?? NaN) - (inSlot[i] ?? NaN)))),
        unit: 'x',
      },
      {
        name: `${at}: (restart with cache − in slot) / (restart without − in slot), paired`,
        value: wall.restart,
        ...target,
        pass: wall.restart <= 0.1,
      },
      {
        name: `${at}:   the same in CPU time`,
        value: restart(cpuOf),
        unit: 'x',
      },
    );
  }
  return rows;
}

/** Bytes per token beyond a fixed part: the slope between the shallowest and deepest state. */
export function slopeRow(shallow: Figures, deep: Figures): BenchRow {
  const bytes = median(deep.savedBytes) - median(shallow.savedBytes);
  const tokens = median(deep.savedTokens) - median(shallow.savedTokens);
  return {
    name: 'reopen: state file per added token (slope)',
    value: bytes / tokens,
    unit: 'B/token',
  };
}
