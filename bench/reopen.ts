// `npm run bench reopen` (issue 17): what a conversation waits before its first
// token when it comes back to a session slot, with the state cache and without
// it, and what the cache writes. One conversation is built past every depth;
// each run brings a copy of it, at one depth, into a slot by evaluating its
// history and answering its last prompt again, then times the same follow-up:
//   in slot         the conversation never left its slot (the floor: the new turn
//                   is evaluated in any case, and with this fixture model a
//                   token's cost grows steeply with its depth);
//   reopen          two other conversations took both slots (SESSION_SLOTS is 2)
//                   since; the reopen takes the slot of the older one;
//   after restart   the first question in a conversation on a new engine, on the
//                   data directory whose states the previous engine's orderly
//                   shutdown saved: with the cache (loaded on the question, or
//                   by engine.preload() awaited before it), or without the cache.
// Starting an engine takes over a second here, so each round runs two: one with
// the cache, started on the states the previous round's engine saved when it
// shut down (the restarts, then in slot and reopen, twice each), and a new one
// without it (its first question is the restart without the cache, then two
// reopens). Which of the two goes first, and the order within each, alternate
// every round. Each follow-up is stopped at its first token: only the wait
// before it counts. The ratios pair the runs of the same round. What a reopen
// adds is a few ms against a floor of a few hundred, so on a busy machine the
// wall-clock ratio swings from run to run: the same ratio in CPU time, and the
// cache's own work timed from its log events, show it without that noise.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatTurn, InferenceEngine } from '../src/main/inference/engine';
import { stateCacheDirectory } from '../src/main/inference/stateCache/stateCache';
import { INDEX_FILE, stateIndexSchema } from '../src/main/inference/stateCache/stateIndex';
import type { BenchSettings } from './hearthRuns';
import type { BenchRow } from './stats';
import {
  ask,
  bring,
  depthOf,
  firstToken,
  folderSnapshot,
  forget,
  ReopenBench,
} from './reopenEngines';
import { depthRows, newFigures, slopeRow, SLOT_RUNS_PER_ROUND, type Figures } from './reopenTable';

const DEPTHS = [500, 1000, 1500] as const;
const BUILD_PROMPTS = [
  'Tell me a story about a little dog who finds a red ball in the park.',
  'What did the dog do with the ball?',
  'Who else was in the park?',
  'What happened when it started to rain?',
  'Where did the dog go to sleep?',
];
const MAX_BUILD_PROMPTS = 60;

/** Two conversations an engine with the cache left in its slots when it shut down. */
interface Saved {
  dataDir: string;
  /** Asked after the restart with no background load. */
  plain: { id: string; turns: ChatTurn[] };
  /** Loaded by engine.preload() before it is asked. */
  preloaded: { id: string; turns: ChatTurn[] };
}

/** Brings two conversations into both slots, for the next engine to restart on. */
async function prepareRestart(
  bench: ReopenBench,
  engine: InferenceEngine,
  dataDir: string,
  built: readonly ChatTurn[],
): Promise<Saved> {
  const plain = bench.fresh('restart');
  const preloaded = bench.fresh('restart-preloaded');
  return {
    dataDir,
    plain: { id: plain, turns: (await bring(engine, plain, built)).turns },
    preloaded: { id: preloaded, turns: (await bring(engine, preloaded, built)).turns },
  };
}

/** The sizes and token counts of the states saved for the given conversations. */
function recordSaved(saved: Saved, out: Figures): void {
  const folder = stateCacheDirectory(saved.dataDir);
  const index = stateIndexSchema.parse(JSON.parse(readFileSync(join(folder, INDEX_FILE), 'utf8')));
  for (const { id } of [saved.plain, saved.preloaded]) {
    const entry = index.entries.find((e) => e.conversationId === id);
    if (!entry) throw new Error(`the shutdown saved no state for ${id}`);
    out.savedBytes.push(statSync(join(folder, entry.file)).size);
    out.savedTokens.push(entry.tokens);
  }
}

/**
 * The conversation is built in an engine with the cache, where it stays in its
 * slot for every answer; what the cache wrote meanwhile (nothing, it should be),
 * and the first conversations to restart on.
 */
async function build(
  bench: ReopenBench,
  firstDepth: number,
): Promise<{
  built: Map<number, ChatTurn[]>;
  inSlot: { bytes: number; fsyncs: number; answers: number };
  saved: Saved;
}> {
  const dataDir = join(bench.root, bench.fresh('chain'));
  const folder = stateCacheDirectory(dataDir);
  return bench.withEngine({ cache: true, dataDir }, async ({ engine, counts }) => {
    const built = new Map<number, ChatTurn[]>();
    const turns: ChatTurn[] = [];
    // From the second answer on: the first one binds the conversation to its slot.
    await ask(engine, 'build', turns, `${BUILD_PROMPTS[0]} (part 1)`);
    const before = { ...counts, files: folderSnapshot(folder) };
    let answers = 0;
    for (let i = 1; built.size < DEPTHS.length; i++) {
      if (i === MAX_BUILD_PROMPTS) throw new Error(`no conversation of ${DEPTHS.at(-1)} tokens`);
      await ask(
        engine,
        'build',
        turns,
        `${BUILD_PROMPTS[i % BUILD_PROMPTS.length]} (part ${i + 1})`,
      );
      answers++;
      const depth = depthOf(engine, 'build') ?? 0;
      for (const target of DEPTHS) {
        if (depth >= target && !built.has(target)) built.set(target, [...turns]);
      }
    }
    let fileBytes = 0;
    for (const [name, stamp] of folderSnapshot(folder)) {
      if (before.files.get(name) !== stamp) fileBytes += statSync(join(folder, name)).size;
    }
    const inSlot = {
      bytes: (counts.bytes - before.bytes + fileBytes) / answers,
      fsyncs: (counts.fsyncs - before.fsyncs) / answers,
      answers,
    };
    const saved = await prepareRestart(bench, engine, dataDir, built.get(firstDepth) ?? []);
    forget(engine, 'build');
    return { built, inSlot, saved };
  });
}

/** A round's two units of work, each in an engine of its own. */
type Unit = () => Promise<void>;

/**
 * The engine with the cache: started on the states the previous one saved, it
 * times the first questions after that restart, then a follow-up in slot and a
 * reopen, and leaves two conversations for the next round's restart.
 */
function cachedUnit(
  bench: ReopenBench,
  round: number,
  saved: Saved,
  built: readonly ChatTurn[],
  out: Figures,
  next: { built: readonly ChatTurn[]; out: Figures } | undefined,
  onSaved: (next: Saved) => void,
): Unit {
  return async () => {
    const left = await bench.withEngine(
      { cache: true, dataDir: saved.dataDir },
      async ({ engine, cache, counts, events }) => {
        const restarts: Unit[] = [
          async () => {
            events.clear();
            const start = performance.now();
            out.restartCache.push(await firstToken(engine, saved.plain.id, saved.plain.turns));
            out.restartLoadMs.push((events.get('state_restored') ?? Number.NaN) - start);
          },
          async () => {
            const { id, turns } = saved.preloaded;
            const start = performance.now();
            if (!(await engine.preload(id, () => [...turns])))
              throw new Error(`${id} not preloaded`);
            out.preloadMs.push(performance.now() - start);
            out.restartPreload.push(await firstToken(engine, id, turns));
          },
        ];
        const inSlot: Unit = async () => {
          const id = bench.fresh('slot');
          const { turns, depth } = await bring(engine, id, built);
          // The other slot holds a short conversation, as it does at a reopen.
          await ask(engine, `${id}-w`, [], 'A cat sat on a mat.');
          out.depths.push(depth);
          out.inSlot.push(await firstToken(engine, id, turns));
          forget(engine, id, `${id}-w`);
        };
        const reopen: Unit = async () => {
          const id = bench.fresh('reopen');
          const { turns } = await bring(engine, id, built);
          await ask(engine, `${id}-y`, [], 'Once upon a time');
          // The second one takes this conversation's slot: what that eviction writes.
          const before = { ...counts, state: cache?.totalBytes ?? 0 };
          await ask(engine, `${id}-z`, [], 'A cat sat on a mat.');
          if (depthOf(engine, id) !== undefined || !cache?.conversations().includes(id)) {
            throw new Error(`${id} was not evicted and saved`);
          }
          out.evictionStateBytes.push(cache.totalBytes - before.state);
          out.evictionIndexBytes.push(counts.bytes - before.bytes);
          // The state file's own fsync (syncFile) does not go through the port.
          out.evictionFsyncs.push(counts.fsyncs - before.fsyncs + 1);
          out.evictionIndexed.push(cache.conversations().length);
          events.clear();
          const start = performance.now();
          out.reopenCache.push(await firstToken(engine, id, turns));
          // It takes y's slot: y's state is written first (made durable in the
          // background), then x's own state checked and loaded.
          const savedAt = events.get('state_written') ?? Number.NaN;
          out.reopenSaveMs.push(savedAt - start);
          out.reopenLoadMs.push((events.get('state_restored') ?? Number.NaN) - savedAt);
          forget(engine, id, `${id}-y`, `${id}-z`);
        };
        const flip = round % 2 === 1;
        for (const unit of flip ? restarts.reverse() : restarts) await unit();
        forget(engine, saved.plain.id, saved.preloaded.id);
        // In the order ABBA… or BAAB…: cheaper than more rounds, which each start engines.
        const pair = flip ? [reopen, inSlot] : [inSlot, reopen];
        for (let i = 0; i < SLOT_RUNS_PER_ROUND; i++) {
          for (const unit of i % 2 === 0 ? pair : [...pair].reverse()) await unit();
        }
        return next && prepareRestart(bench, engine, saved.dataDir, next.built);
      },
    );
    if (left && next) {
      recordSaved(left, next.out);
      onSaved(left);
    }
  };
}

/** A new engine without the cache: its first question, then a reopen. */
function plainUnit(bench: ReopenBench, built: readonly ChatTurn[], out: Figures): Unit {
  return () =>
    bench.withEngine({ cache: false }, async ({ engine }) => {
      out.restartPlain.push(await firstToken(engine, bench.fresh('restart-plain'), built));
      for (let i = 0; i < SLOT_RUNS_PER_ROUND; i++) {
        const id = bench.fresh('reopen-plain');
        const { turns } = await bring(engine, id, built);
        await ask(engine, `${id}-y`, [], 'Once upon a time');
        await ask(engine, `${id}-z`, [], 'A cat sat on a mat.');
        if (depthOf(engine, id) !== undefined) throw new Error(`${id} kept its slot`);
        out.reopenPlain.push(await firstToken(engine, id, turns));
      }
    });
}

export async function reopenRows(settings: BenchSettings, runs: number): Promise<BenchRow[]> {
  const bench = new ReopenBench(settings);
  try {
    const schedule = DEPTHS.flatMap((depth) => Array.from({ length: runs }, () => depth));
    const figures = new Map(DEPTHS.map((depth) => [depth, newFigures()]));
    const first = await build(bench, DEPTHS[0]);
    recordSaved(first.saved, figures.get(DEPTHS[0]) ?? newFigures());
    let saved = first.saved;
    for (const [round, depth] of schedule.entries()) {
      const built = first.built.get(depth) ?? [];
      const out = figures.get(depth) ?? newFigures();
      const nextDepth = schedule[round + 1];
      const next =
        nextDepth === undefined
          ? undefined
          : {
              built: first.built.get(nextDepth) ?? [],
              out: figures.get(nextDepth) ?? newFigures(),
            };
      const units = [
        cachedUnit(bench, round, saved, built, out, next, (left) => {
          saved = left;
        }),
        plainUnit(bench, built, out),
      ];
      // Who goes first alternates, so neither always runs on the heels of the other.
      for (const unit of round % 2 === 0 ? units : units.reverse()) await unit();
    }

    const rows: BenchRow[] = [];
    for (const depth of DEPTHS) {
      rows.push(...depthRows(figures.get(depth) ?? newFigures(), depth === DEPTHS.at(-1)));
    }
    const shallow = figures.get(DEPTHS[0]);
    const deep = figures.get(DEPTHS[2]);
    if (shallow && deep) rows.push(slopeRow(shallow, deep));
    rows.push(
      {
        name: `reopen: state cache bytes written per answer in slot (${first.inSlot.answers} answers; the journal's: storage section)`,
        value: first.inSlot.bytes,
        unit: 'B',
        target: '0 B',
        pass: first.inSlot.bytes === 0,
      },
      {
        name: 'reopen: state cache fsyncs per answer in slot',
        value: first.inSlot.fsyncs,
        unit: 'fsyncs',
      },
    );
    return rows;
  } finally {
    rmSync(bench.root, { recursive: true, force: true });
  }
}
