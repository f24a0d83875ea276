// The session store with 1,000 sessions in it, as a busy household with many
// phones and tabs coming and going: each operation timed one call at a time,
// so the figure is what a single connect, resume or sweep costs the kiosk's
// main thread. Run alone: node --import tsx bench/sessionStore.ts
import { randomUUID } from 'node:crypto';
import { SessionStore } from '../src/main/sessions/sessionStore';
import type { Scheduler } from '../src/main/base/scheduler';
import { median, percentile, printTable, type BenchRow } from './stats';

const SESSIONS = 1000;
const ROUNDS = 20;
const TARGET_US = 50;

/** Time stands still unless the bench moves it: expiry is exercised without waiting. */
function manualClock(): Scheduler & { advance(ms: number): void } {
  let now = Date.now();
  return {
    now: () => now,
    every: () => () => {},
    advance(ms) {
      now += ms;
    },
  };
}

function timeUs(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

export function sessionStoreRows(sessions = SESSIONS, rounds = ROUNDS): BenchRow[] {
  const samples: Record<string, number[]> = {
    create: [],
    'restore (right secret)': [],
    'restore (wrong secret)': [],
    touch: [],
    disconnected: [],
    connected: [],
    get: [],
    'sweep (none due)': [],
    'expire, per session swept': [],
  };
  const push = (op: string, us: number): void => {
    samples[op]?.push(us);
  };
  for (let round = 0; round < rounds; round++) {
    const clock = manualClock();
    const store = new SessionStore({ scheduler: clock, expireAfterMs: 60_000 });
    const devices = Array.from({ length: 20 }, () => randomUUID());
    const made = Array.from({ length: sessions }, (_, i) => {
      const deviceId = devices[i % devices.length] ?? '';
      let created = store.create(deviceId);
      push(
        'create',
        timeUs(() => (created = store.create(deviceId))),
      );
      store.remove(created.session.id);
      created = store.create(deviceId);
      return { ...created, deviceId };
    });
    for (const { session } of made) {
      push(
        'touch',
        timeUs(() => store.touch(session.id)),
      );
      push(
        'get',
        timeUs(() => store.get(session.id)),
      );
      push(
        'disconnected',
        timeUs(() => store.disconnected(session.id)),
      );
    }
    for (const { session, resumeSecret, deviceId } of made) {
      push(
        'restore (wrong secret)',
        timeUs(() => store.restore(session.id, 'x', deviceId)),
      );
      push(
        'restore (right secret)',
        timeUs(() => store.restore(session.id, resumeSecret, deviceId)),
      );
      store.disconnected(session.id);
      push(
        'connected',
        timeUs(() => store.connected(session.id)),
      );
      store.disconnected(session.id);
      push(
        'sweep (none due)',
        timeUs(() => store.sweep()),
      );
    }
    clock.advance(61_000);
    let swept = 0;
    const all = timeUs(() => (swept = store.sweep()));
    if (swept !== sessions) throw new Error(`swept ${swept} of ${sessions} sessions`);
    push('expire, per session swept', all / swept);
    store.dispose();
  }
  return Object.entries(samples).map(([op, us]) => {
    // One sweep of 1,000 expiring sessions per round: its figure is already an
    // average, so the median of rounds says it; single calls are judged at p99.
    const averaged = op.startsWith('expire');
    const value = averaged ? median(us) : percentile(us, 99);
    return {
      name: `session store at ${sessions}: ${op}${averaged ? '' : ' p99'}`,
      value,
      unit: 'µs',
      target: `< ${TARGET_US} µs`,
      pass: value < TARGET_US,
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(sessionStoreRows());
