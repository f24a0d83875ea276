// The clients registry with 1,000 sessions in it, as a busy household with many
// phones and tabs coming and going: each operation timed one call at a time,
// so the figure is what a single connect, resume or sweep costs the kiosk's
// main thread. Run alone: node --import tsx bench/clients.ts
import { randomUUID } from 'node:crypto';
import { Clients } from '../src/main/clients/clients';
import type { Client, SessionLink } from '../src/main/clients/client';
import type { HearthHandlers } from '../src/main/rpc/dispatch';
import { createEventHub } from '../src/main/rpc/eventHub';
import { createLogger } from '../src/main/base/log';
import type { Scheduler } from '../src/main/base/scheduler';
import { median, percentile, printTable, type BenchRow } from './stats';

const SESSIONS = 1000;
const ROUNDS = 20;
const TARGET_US = 50;
/**
 * Opening a client is more than a map insert: two random ids, a hash, its replay
 * buffer, the welcome and the start of its snapshot. A phone opens one per page
 * load, so a quarter of a millisecond is still nothing to the kiosk.
 */
const OPEN_TARGET_US = 250;
const silentLogger = createLogger('silent');

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

/** A link that keeps nothing: the bench times the registry, not a transport. */
const silentLink: SessionLink = { send: () => {}, speak: () => {}, close: () => {} };

export function clientsRows(sessions = SESSIONS, rounds = ROUNDS): BenchRow[] {
  const samples: Record<string, number[]> = {
    'open (new)': [],
    'resume (right secret)': [],
    'resume (wrong secret)': [],
    detach: [],
    get: [],
    'sweep (none due)': [],
    'expire, per session swept': [],
  };
  const push = (op: string, us: number): void => {
    samples[op]?.push(us);
  };
  // A new client is sent a snapshot: these answer at once, so only the registry is timed.
  const handlers = {
    getSnapshot: async () => ({}),
    openConversation: async () => ({}),
  } as unknown as HearthHandlers;
  for (let round = 0; round < rounds; round++) {
    const clock = manualClock();
    const events = createEventHub(silentLogger);
    const clients = new Clients({
      handlers,
      events,
      logger: silentLogger,
      scheduler: clock,
      sessionLimits: {
        expireAfterMs: 60_000,
        maxSessions: sessions * 2,
        maxSessionsPerDevice: sessions,
      },
    });
    const devices = Array.from({ length: 20 }, () => randomUUID());
    const made = Array.from({ length: sessions }, (_, i) => {
      const deviceId = devices[i % devices.length] ?? '';
      const principal = { role: 'device' as const, deviceId };
      let secret = '';
      let client: Client | undefined;
      const link: SessionLink = {
        speak: () => {},
        send: (frame) => {
          if (frame.t === 'welcome') secret = frame.secret;
        },
        close: () => {},
      };
      push(
        'open (new)',
        timeUs(() => (client = clients.open({ t: 'hello' }, principal, link))),
      );
      if (!client) throw new Error('no client');
      return { client, secret, principal, link };
    });
    for (const { client, link } of made) {
      push(
        'get',
        timeUs(() => clients.get(client.id)),
      );
      push(
        'detach',
        timeUs(() => clients.detach(client, link)),
      );
    }
    for (const entry of made) {
      const { client, secret, principal } = entry;
      const resume = (with_: string) => ({
        t: 'hello' as const,
        resume: { sessionId: client.id, secret: with_, lastSeq: 0 },
      });
      push(
        'resume (wrong secret)',
        timeUs(() => clients.open(resume('x'.repeat(43)), principal, silentLink)),
      );
      // The refused resume opened a new client: drop it again so the count stays put.
      push(
        'resume (right secret)',
        timeUs(() => clients.open(resume(secret), principal, entry.link)),
      );
      clients.detach(client, entry.link);
      push(
        'sweep (none due)',
        timeUs(() => clients.sweep()),
      );
    }
    clock.advance(61_000);
    let swept = 0;
    const all = timeUs(() => (swept = clients.sweep()));
    if (swept < sessions) throw new Error(`swept ${swept} of at least ${sessions} sessions`);
    push('expire, per session swept', all / swept);
    clients.dispose();
    events.dispose();
  }
  return Object.entries(samples).map(([op, us]) => {
    // One sweep of the expiring sessions per round: its figure is already an
    // average, so the median of rounds says it; single calls are judged at p99.
    const averaged = op.startsWith('expire');
    const value = averaged ? median(us) : percentile(us, 99);
    // A refused resume opens a new client too.
    const target = op.startsWith('open') || op.includes('wrong') ? OPEN_TARGET_US : TARGET_US;
    return {
      name: `clients at ${sessions}: ${op}${averaged ? '' : ' p99'}`,
      value,
      unit: 'µs',
      target: `< ${target} µs`,
      pass: value < target,
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(clientsRows());
