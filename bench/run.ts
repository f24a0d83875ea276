// `npm run bench`: every figure is a median of several runs, and each ratio is
// measured side by side in one run (rounds interleave raw and Hearth).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleRows } from './bundle';
import { phoneLanRows } from './phoneLan';
import { reopenRows } from './reopen';
import { voiceRows } from './voice';
import { burstRows, idleSessionMemoryRows, phoneLoadRows, protocolResumeRows } from './phones';
import { clientsRows } from './clients';
import { storageWriteRows } from './storageWrites';
import { benchSensorRead } from './thermal';
import { benchThreadLatency } from './threads';
import { EngineRunner, WebSocketRunner, type BenchSettings } from './hearthRuns';
import { RawBaseline, type RunFigures } from './raw';
import { measureStartup } from './startup';
import { median, printTable, type BenchRow } from './stats';

const root = resolve(import.meta.dirname, '..');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const MONITOR_MS = Number(process.env.BENCH_MONITOR_MS ?? 60_000);
const PROMPT = 'Tell me a story about a little dog who finds a red ball in the park.';
const MAX_TOKENS = 400;
const settings: BenchSettings = {
  modelPath: resolve(root, '../shared/models/stories260K.gguf'),
  threads: 1,
  contextSize: 2048,
  systemPrompt: 'You are Hearth, a helpful assistant. Answer briefly.',
};

const rows: BenchRow[] = [];
const log = (line: string): void => console.error(`bench: ${line}`);

/** A row whose figure is the median of its runs, the runs kept beside it. */
const medianRow = (name: string, unit: string, runs: number[]): BenchRow => ({
  name,
  value: median(runs),
  unit,
  runs,
});

async function inference(): Promise<void> {
  // Each round is cheap (under a second), so take more of them than the slow sections.
  const rounds = RUNS * 3;
  log(`tokens/s and first token: raw vs engine vs WebSocket, ${rounds} interleaved rounds`);
  const raw = await RawBaseline.open(
    settings.modelPath,
    settings.threads,
    settings.contextSize,
    settings.systemPrompt,
  );
  const engine = await EngineRunner.open(settings, MAX_TOKENS);
  const ws = await WebSocketRunner.open(settings, MAX_TOKENS);
  const results: Record<'raw' | 'engine' | 'ws', RunFigures[]> = { raw: [], engine: [], ws: [] };
  try {
    // One warm-up each so that first-load effects don't land in one column only.
    await raw.run(PROMPT, MAX_TOKENS);
    await engine.run(PROMPT);
    await ws.run(PROMPT);
    const runners = {
      raw: () => raw.run(PROMPT, MAX_TOKENS),
      engine: () => engine.run(PROMPT),
      ws: () => ws.run(PROMPT),
    };
    const order = ['raw', 'engine', 'ws'] as const;
    for (let i = 0; i < rounds; i++) {
      // Rotate who goes first, so no column always runs on the heels of another.
      for (let j = 0; j < order.length; j++) {
        const name = order[(i + j) % order.length] ?? 'raw';
        results[name].push(await runners[name]());
      }
    }
  } finally {
    await raw.close();
    await engine.close();
    await ws.close();
  }
  const tps = (k: keyof typeof results) => results[k].map((r) => r.tokensPerSecond);
  const ttft = (k: keyof typeof results) => results[k].map((r) => r.timeToFirstTokenMs);
  rows.push(
    medianRow('tokens/s raw node-llama-cpp', 'tok/s', tps('raw')),
    medianRow('tokens/s Hearth engine', 'tok/s', tps('engine')),
    medianRow('tokens/s Hearth over WebSocket', 'tok/s', tps('ws')),
  );
  // Paired: each round's WebSocket figure over the raw one measured right beside it,
  // so a slow patch of the machine lands on both sides of the ratio.
  const ratio = median(
    results.ws.map((r, i) => r.tokensPerSecond / (results.raw[i]?.tokensPerSecond ?? NaN)),
  );
  rows.push({
    name: 'WebSocket / raw tokens/s (paired)',
    value: ratio * 100,
    unit: '%',
    target: '>= 95 %',
    pass: ratio >= 0.95,
  });
  rows.push(
    medianRow('first token raw', 'ms', ttft('raw')),
    medianRow('first token Hearth engine', 'ms', ttft('engine')),
    medianRow('first token Hearth over WebSocket', 'ms', ttft('ws')),
  );
  const added = median(
    results.ws.map((r, i) => r.timeToFirstTokenMs - (results.raw[i]?.timeToFirstTokenMs ?? NaN)),
  );
  rows.push({
    name: 'first token added by Hearth (WebSocket, paired)',
    value: added,
    unit: 'ms',
    target: '<= 10 ms',
    pass: added <= 10,
  });
}

async function longConversation(): Promise<void> {
  log(`first token of prompt 20 vs prompt 1, Hearth over WebSocket and raw, ${RUNS} conversations`);
  const prompts = Array.from(
    { length: 20 },
    (_, i) => `Tell me more about the dog, part ${i + 1}.`,
  );
  const ws = await WebSocketRunner.open(settings, 48);
  const raw = await RawBaseline.open(
    settings.modelPath,
    settings.threads,
    settings.contextSize,
    settings.systemPrompt,
  );
  const hearth = { first: [] as number[], twentieth: [] as number[] };
  const direct = { first: [] as number[], twentieth: [] as number[] };
  try {
    for (let i = 0; i < RUNS; i++) {
      const id = await ws.newConversation();
      for (const [turn, prompt] of prompts.entries()) {
        const r = await ws.run(prompt, id);
        if (turn === 0) hearth.first.push(r.timeToFirstTokenMs);
        if (turn === 19) hearth.twentieth.push(r.timeToFirstTokenMs);
      }
      const rawTimes = await raw.conversation(prompts, 48);
      direct.first.push(rawTimes[0] ?? Number.NaN);
      direct.twentieth.push(rawTimes[19] ?? Number.NaN);
    }
  } finally {
    await ws.close();
    await raw.close();
  }
  const m = (values: number[]): number => median(values);
  rows.push(
    medianRow('first token, prompt 1 (Hearth)', 'ms', hearth.first),
    medianRow('first token, prompt 20 (Hearth)', 'ms', hearth.twentieth),
    medianRow('first token, prompt 1 (raw)', 'ms', direct.first),
    medianRow('first token, prompt 20 (raw)', 'ms', direct.twentieth),
  );
  const ratio = m(hearth.twentieth) / m(hearth.first);
  rows.push({
    name: 'prompt 20 / prompt 1 first token (Hearth)',
    value: ratio,
    unit: 'x',
    target: '<= 2x',
    pass: ratio <= 2,
  });
  rows.push({
    name: 'prompt 20 / prompt 1 first token (raw)',
    value: m(direct.twentieth) / m(direct.first),
    unit: 'x',
  });
  rows.push({
    name: 'prompt 20 first token, Hearth / raw',
    value: m(hearth.twentieth) / m(direct.twentieth),
    unit: 'x',
  });
}

async function startup(): Promise<void> {
  log(`headless start-to-ready and memory, ${RUNS} starts`);
  const ready: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await measureStartup(join(root, 'out/main/serve.js'), settings.modelPath);
    ready.push(r.readyMs);
    rss.push(r.rssMiB);
  }
  rows.push(
    medianRow('headless start to model ready', 'ms', ready),
    medianRow('headless resident memory', 'MiB', rss),
  );
}

async function thermalAndThreads(): Promise<void> {
  log('sensor read latency, monitor CPU cost, ManagedThread latency');
  const read = benchSensorRead(10_000);
  rows.push({ name: 'sensor read p50', value: read.p50Ms, unit: 'ms' });
  rows.push({
    name: 'sensor read p99',
    value: read.p99Ms,
    unit: 'ms',
    target: '< 1 ms',
    pass: read.p99Ms < 1,
  });
  const outfile = join(root, 'out/bench/monitorCpu.mjs');
  await build({
    entryPoints: [join(root, 'bench/monitorCpu.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  const cpu = JSON.parse(
    execFileSync(process.execPath, [outfile, String(MONITOR_MS)], { encoding: 'utf8' }),
  ) as {
    cpuPercentOfOneCore: number;
    pollCostPercentOfOneCore: number;
    emptyTimerPercentOfOneCore: number;
  };
  rows.push({
    name: `monitor CPU at 1 Hz over ${Math.round(MONITOR_MS / 1000)} s`,
    value: cpu.cpuPercentOfOneCore,
    unit: '% of a core',
    target: '< 0.05 %',
    pass: cpu.cpuPercentOfOneCore < 0.05,
  });
  rows.push({
    name: 'an empty 1 Hz timer, measured the same way',
    value: cpu.emptyTimerPercentOfOneCore,
    unit: '% of a core',
  });
  rows.push({
    name: 'monitor above the empty 1 Hz timer',
    value: cpu.cpuPercentOfOneCore - cpu.emptyTimerPercentOfOneCore,
    unit: '% of a core',
  });
  rows.push({
    name: 'monitor cost per poll / interval',
    value: cpu.pollCostPercentOfOneCore,
    unit: '% of a core',
  });
  const threads = await benchThreadLatency(20);
  rows.push({
    name: 'ManagedThread start to first message',
    value: threads.startToFirstMessageMedianMs,
    unit: 'ms',
  });
  rows.push({ name: 'ManagedThread stop to exit', value: threads.stopToExitMedianMs, unit: 'ms' });
}

async function storage(): Promise<void> {
  log('bytes written and fsyncs per streamed answer, before and after the journal');
  rows.push(...(await storageWriteRows()));
}

async function bundle(): Promise<void> {
  log('renderer bundle size, raw and gzipped');
  rows.push(...(await bundleRows()));
}

async function phones(): Promise<void> {
  log(
    'phones: session store, idle session memory, resume after a stalled link, 20 phones streaming',
  );
  rows.push(
    ...clientsRows(),
    ...(await idleSessionMemoryRows()),
    ...(await protocolResumeRows()),
    ...(await burstRows()),
    ...(await phoneLoadRows()),
  );
}

async function phoneLan(): Promise<void> {
  log('a phone on a private LAN (network namespaces): first load, link restored to Connected');
  rows.push(...(await phoneLanRows()));
}

async function reopen(): Promise<void> {
  log(
    `reopening a conversation: state cache vs re-evaluation vs in slot, ${RUNS} rounds per depth`,
  );
  rows.push(...(await reopenRows(settings, RUNS)));
}

async function voice(): Promise<void> {
  log(`voice: end of speech to first sound, listening CPU, engine memory, ${RUNS} utterances`);
  rows.push(...(await voiceRows(settings, RUNS, root, log)));
}

const only = process.argv.slice(2);
const sections: Record<string, () => Promise<void>> = {
  inference,
  longConversation,
  startup,
  thermalAndThreads,
  storage,
  bundle,
  phones,
  phoneLan,
  reopen,
  voice,
};
for (const [name, section] of Object.entries(sections)) {
  if (only.length === 0 || only.includes(name)) await section();
}
printTable(rows);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(
  root,
  'bench/results',
  `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  JSON.stringify({ date: new Date().toISOString(), runs: RUNS, settings, rows }, null, 2),
);
console.log(`\nwrote ${file}`);
