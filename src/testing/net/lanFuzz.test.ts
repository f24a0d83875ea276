// Fuzz: paired phones send 10,000 random and mutated frames to a real Hearth.
// Each must be answered as the protocol promises (a bad one with a clear error
// result, and the connection stays open), the server must stay up and keep
// answering, its memory must stay bounded, and its event loop (the kiosk's
// screen, in the Electron build) must never stall for 50 ms or more by its own
// work (stallMonitor.ts: time the OS gave other processes does not count).
//
// HEARTH_NET_FUZZ_FRAMES sets the count (default 10,000); HEARTH_NET_FUZZ_SEED
// replays a run (the seed is printed when a run fails).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiError } from '../../shared/api';
import type { ServerFrame } from '../../shared/wire';
import { askInNewConversation } from './conversing';
import { FrameFuzzer, type FuzzFrame } from './fuzzFrames';
import { HearthUnderTest } from './hearthUnderTest';
import type { PhoneClient } from './phoneClient';

const FRAMES = Number(process.env.HEARTH_NET_FUZZ_FRAMES ?? 10_000);
const SEED = Number(process.env.HEARTH_NET_FUZZ_SEED ?? Date.now() % 2 ** 31);
/**
 * Every connection stays under its message rate (20 a second), so each frame
 * is answered rather than refused as a flood: many connections share the work.
 * (Bursts and floods are the security suite's.)
 */
const DEVICES = 15;
const CONNECTIONS_PER_DEVICE = 4;
const PACE_MS = 60;
const LAG_LIMIT_MS = 50;
/** The first two 500 ms windows of the flood: the server's code paths are still being compiled. */
const WARM_UP_WINDOWS = 2;
const WARM_UP_LAG_LIMIT_MS = 300;
const HEAP_GROWTH_LIMIT = 32 * 1024 * 1024;

let hearth: HearthUnderTest;
const cookies: string[] = [];
const phones: PhoneClient[] = [];

beforeAll(async () => {
  hearth = await HearthUnderTest.start();
  for (let i = 0; i < DEVICES; i++) cookies.push(await hearth.pair());
}, 120_000);

afterEach(async () => {
  await Promise.all(phones.splice(0).map((phone) => phone.close()));
});

afterAll(async () => {
  await hearth?.close();
});

interface Tally {
  expected: Record<FuzzFrame['expect'], number>;
  results: number;
  errors: number;
  pongs: number;
  unclear: string[];
}

const codes = new Set(apiError.shape.code.options);
const ABSOLUTE_PATH = /(^|[\s'"(])\/(?:work|home|tmp|usr|root|var|opt)\//;

/** A clear error: a known code and a short sentence with no stack and no path of this machine. */
function unclearError(frame: ServerFrame): string | undefined {
  if (frame.t !== 'result' || frame.ok) return undefined;
  const { code, message } = frame.error;
  if (!codes.has(code)) return `unknown code ${code}`;
  // Bounded: a refusal names what was wrong, it does not echo what was sent.
  if (message.length === 0 || message.length > 1000) return `message of ${message.length} chars`;
  if (/\n\s+at /.test(message)) return `stack in message: ${message.slice(0, 120)}`;
  if (ABSOLUTE_PATH.test(message)) return `path in message: ${message.slice(0, 120)}`;
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('fuzzing the WebSocket API', () => {
  it(`answers ${FRAMES} random and mutated frames as promised, and Hearth stays up and responsive`, async () => {
    const connections = DEVICES * CONNECTIONS_PER_DEVICE;
    for (const cookie of cookies) {
      for (let i = 0; i < CONNECTIONS_PER_DEVICE; i++) {
        // Quiet clients: their own pings and acks would count against their rate.
        phones.push(
          hearth.phone(cookie, { reconnect: false, heartbeatMs: 600_000, ackEveryMs: 600_000 }),
        );
      }
    }
    await Promise.all(phones.map((phone) => phone.connect()));
    await hearth.gc();
    const before = await hearth.stats();
    // The forced collection above stalls the loop itself; the window starts after it.
    await sleep(300);
    await hearth.stats(true);
    /** The longest stall of Hearth's event loop by its own work, window by window. */
    const stallMaxima: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sleep(500);
        stallMaxima.push((await hearth.stats(true)).stall.ownMaxMs);
      }
    })();

    const tallies = await Promise.all(
      phones.map(async (phone, index) => {
        const fuzzer = new FrameFuzzer(SEED + index);
        const tally: Tally = {
          expected: { error: 0, result: 0, pong: 0, nothing: 0 },
          results: 0,
          errors: 0,
          pongs: 0,
          unclear: [],
        };
        phone.onFrame((frame) => {
          if (frame.t === 'pong') tally.pongs++;
          if (frame.t !== 'result') return;
          tally.results++;
          if (!frame.ok) tally.errors++;
          const unclear = unclearError(frame);
          if (unclear) tally.unclear.push(unclear);
        });
        const share = Math.floor(FRAMES / connections) + (index < FRAMES % connections ? 1 : 0);
        for (let i = 0; i < share; i++) {
          await sleep(PACE_MS);
          const frame = fuzzer.next();
          tally.expected[frame.expect]++;
          phone.sendRaw(frame.data);
        }
        const owed = (): number => tally.expected.error + tally.expected.result;
        const deadline = Date.now() + 20_000;
        while (
          (tally.results < owed() || tally.pongs < tally.expected.pong) &&
          Date.now() < deadline
        ) {
          await sleep(20);
        }
        return tally;
      }),
    );
    sampling = false;
    await sampler;
    await hearth.gc();
    const after = await hearth.stats();

    const sum = (pick: (t: Tally) => number): number => tallies.reduce((n, t) => n + pick(t), 0);
    const context = `seed ${SEED}`;
    expect(
      sum((t) => Object.values(t.expected).reduce((a, b) => a + b, 0)),
      context,
    ).toBe(FRAMES);
    // Every bad frame answered with an error, every valid one as usual, nothing more.
    expect(
      sum((t) => t.results),
      context,
    ).toBe(sum((t) => t.expected.error + t.expected.result));
    expect(
      sum((t) => t.errors),
      context,
    ).toBeGreaterThanOrEqual(sum((t) => t.expected.error));
    expect(
      sum((t) => t.pongs),
      context,
    ).toBe(sum((t) => t.expected.pong));
    expect(tallies.flatMap((t) => t.unclear).slice(0, 5), context).toEqual([]);
    // No connection was cut: a bad frame is answered, never fatal.
    expect(phones.filter((phone) => !phone.connected).length, context).toBe(0);
    expect(
      phones.flatMap((phone) => phone.violations),
      context,
    ).toEqual([]);

    expect(hearth.alive).toBe(true);
    // The first second compiles the paths the fuzz exercises and grows the heap
    // once (a collection of ~50-70 ms was seen there, before any of today's
    // code ran); wsFuzz.test.ts has a warm-up round for the same reason. It is
    // held to the looser bound that still catches a server handling a whole
    // read of frames in one turn; every window after it to the 50 ms target.
    const stalls = `stalls ${stallMaxima.map(Math.round).join(', ')}`;
    const warmUp = stallMaxima.slice(0, WARM_UP_WINDOWS);
    const steady = stallMaxima.slice(WARM_UP_WINDOWS);
    expect(steady.length, stalls).toBeGreaterThan(5);
    expect(Math.max(...warmUp), stalls).toBeLessThan(WARM_UP_LAG_LIMIT_MS);
    expect(Math.max(...steady), stalls).toBeLessThan(LAG_LIMIT_MS);
    expect(after.memory.heapUsed - before.memory.heapUsed).toBeLessThan(HEAP_GROWTH_LIMIT);

    // And it still does its job.
    await Promise.all(phones.splice(0).map((phone) => phone.close()));
    const phone = hearth.phone(cookies[0] ?? '');
    phones.push(phone);
    await phone.connect();
    expect((await askInNewConversation(phone, 'Tell me a story.')).status).toBe('complete');
  }, 180_000);
});
