// Phones against a real Hearth in its own process (the kiosk's main process is
// one too), over real sockets: 20 phones streaming at once (is the queue fair,
// does the heartbeat stay quick, does the kiosk's event loop stay free), the
// memory an idle session costs, and how fast a session resumes once a stalled
// link comes back. Alone: node --import tsx bench/phones.ts
import { FaultProxy } from '../src/testing/net/faultProxy';
import { HearthUnderTest, PHONE_ADDRESS } from '../src/testing/net/hearthUnderTest';
import type { PhoneClient } from '../src/testing/net/phoneClient';
import { median, percentile, printTable, type BenchRow } from './stats';

const PHONES = 20;
const LOAD_SECONDS = Number(process.env.BENCH_PHONES_SECONDS ?? 20);
const RESUMES = Number(process.env.BENCH_RESUMES ?? 30);
const PROMPT = 'Tell me a story about a little dog who finds a red ball in the park.';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Jain's fairness index: 1 when every phone got the same, 1/n when one got everything. */
export function jainIndex(shares: number[]): number {
  const sum = shares.reduce((a, b) => a + b, 0);
  const squares = shares.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (shares.length * squares);
}

/** Phones paired as browsers pair; a phone may hold only a few connections, so they share devices. */
async function pairedPhones(hearth: HearthUnderTest, count: number, perDevice: number) {
  const phones: PhoneClient[] = [];
  let cookie = '';
  for (let i = 0; i < count; i++) {
    if (i % perDevice === 0) cookie = await hearth.pair();
    phones.push(hearth.phone(cookie, { heartbeatMs: 1000, ackEveryMs: 1000 }));
  }
  await Promise.all(phones.map((phone) => phone.connect()));
  return phones;
}

export async function phoneLoadRows(seconds = LOAD_SECONDS): Promise<BenchRow[]> {
  const hearth = await HearthUnderTest.start({ HEARTH_MAX_TOKENS: '64' });
  try {
    // One phone per device: the fair queue takes turns between clients.
    const phones = await pairedPhones(hearth, PHONES, 1);
    const conversations = await Promise.all(phones.map((p) => p.call('newConversation', {})));
    const answers = phones.map(() => 0);
    const firstTokenMs: number[] = [];
    await hearth.stats(true);
    const stopAt = Date.now() + seconds * 1000;
    await Promise.all(
      phones.map(async (phone, i) => {
        const conversationId = conversations[i]?.id ?? '';
        while (Date.now() < stopAt) {
          const sent = performance.now();
          let first = 0;
          const stop = phone.onEvent((event) => {
            if (event.type === 'tokens' && first === 0) first = performance.now();
          });
          const { assistantMessageId } = await phone.call('sendPrompt', {
            conversationId,
            text: PROMPT,
          });
          await phone.answer(assistantMessageId);
          stop();
          if (first > 0) firstTokenMs.push(first - sent);
          answers[i] = (answers[i] ?? 0) + 1;
        }
      }),
    );
    const { lagMs, stall } = await hearth.stats();
    const heartbeats = phones.flatMap((phone) => phone.heartbeats);
    await Promise.all(phones.map((phone) => phone.close()));
    const fairness = jainIndex(answers);
    return [
      {
        name: `${PHONES} phones streaming: queue fairness (Jain, answers per phone)`,
        value: fairness,
        unit: '',
        target: '>= 0.95',
        pass: fairness >= 0.95,
        runs: answers,
      },
      {
        name: `${PHONES} phones streaming: answers in ${seconds} s`,
        value: sum(answers),
        unit: '',
      },
      {
        name: `${PHONES} phones streaming: first token p90 (queue wait included)`,
        value: percentile(firstTokenMs, 90),
        unit: 'ms',
      },
      {
        name: `${PHONES} phones streaming: heartbeat ping→pong p50`,
        value: median(heartbeats),
        unit: 'ms',
      },
      {
        name: `${PHONES} phones streaming: heartbeat ping→pong p99`,
        value: percentile(heartbeats, 99),
        unit: 'ms',
      },
      {
        name: `${PHONES} phones streaming: kiosk event loop delay p99 (any cause)`,
        value: lagMs.p99,
        unit: 'ms',
      },
      {
        name: `${PHONES} phones streaming: kiosk event loop delay max (any cause)`,
        value: lagMs.max,
        unit: 'ms',
      },
      {
        name: `${PHONES} phones streaming: kiosk event loop stall max (its own work)`,
        value: stall.ownMaxMs,
        unit: 'ms',
        target: '< 50 ms',
        pass: stall.ownMaxMs < 50,
      },
    ];
  } finally {
    await hearth.close();
  }
}

export async function idleSessionMemoryRows(): Promise<BenchRow[]> {
  const hearth = await HearthUnderTest.start();
  try {
    const heap = async (): Promise<number> => {
      await hearth.gc();
      await sleep(200);
      await hearth.gc();
      return (await hearth.stats()).memory.heapUsed;
    };
    // Connections are capped (64 in all, 4 per phone): 60 idle phones, 4 per device.
    const connectedCount = 60;
    const base = await heap();
    const phones = await pairedPhones(hearth, connectedCount, 4);
    const connected = await heap();
    await Promise.all(phones.map((phone) => phone.close()));
    await sleep(300);
    const disconnected = await heap();
    const { sessions } = await hearth.stats();
    return [
      {
        name: 'memory per idle connected phone (server heap)',
        value: (connected - base) / connectedCount / 1024,
        unit: 'KiB',
      },
      {
        name: 'memory per idle session waiting for its phone (server heap)',
        value: (disconnected - base) / Math.max(1, sessions.disconnected) / 1024,
        unit: 'KiB',
      },
    ];
  } finally {
    await hearth.close();
  }
}

/**
 * The most a crowd may send at once: every connection Hearth allows (60 here,
 * 4 per phone) spends its whole burst allowance (40 frames) on bad frames in
 * the same instant. Timed: how long that holds the kiosk's event loop.
 */
export async function burstRows(): Promise<BenchRow[]> {
  const hearth = await HearthUnderTest.start();
  try {
    const phones = await pairedPhones(hearth, 60, 4);
    const own: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < 5; round++) {
      await sleep(2500); // the allowance refills
      await hearth.stats(true);
      for (const phone of phones) {
        for (let i = 0; i < 40; i++) phone.sendRaw(`{"t":"call","id":${i},"name":"nope"`);
      }
      await sleep(1000);
      const { stall } = await hearth.stats(true);
      own.push(stall.ownMaxMs);
      raw.push(stall.rawMaxMs);
    }
    await Promise.all(phones.map((phone) => phone.close()));
    return [
      {
        name: 'burst of 60 × 40 bad frames: kiosk event loop stall (its own work)',
        value: median(own),
        unit: 'ms',
        target: '< 50 ms',
        pass: Math.max(...own) < 50,
        runs: own,
      },
      {
        name: 'burst of 60 × 40 bad frames: kiosk event loop delay (any cause)',
        value: median(raw),
        unit: 'ms',
        runs: raw,
      },
    ];
  } finally {
    await hearth.close();
  }
}

/**
 * A phone's link stalls mid-answer (a black hole); its heartbeat gives up and it
 * dials again, the dial hanging in the dead link; the link comes back. Timed:
 * link restored → welcome (session resumed) → every missed event replayed.
 */
export async function protocolResumeRows(rounds = RESUMES): Promise<BenchRow[]> {
  const hearth = await HearthUnderTest.start({ HEARTH_MAX_TOKENS: '200' });
  const link = await FaultProxy.start({
    target: { host: '127.0.0.1', port: hearth.port },
    localAddress: PHONE_ADDRESS,
  });
  try {
    const cookie = await hearth.pair();
    const phone = hearth.phone(cookie, {
      url: `ws://127.0.0.1:${link.port}/ws`,
      heartbeatMs: 100,
      deadAfterMs: 300,
    });
    await phone.connect();
    const toWelcome: number[] = [];
    const toCaughtUp: number[] = [];
    const conversation = await phone.call('newConversation', {});
    // The owner watches the same conversation, to know when the whole answer was missed.
    const watcher = await hearth.owner();
    await watcher.call('openConversation', { id: conversation.id });
    for (let i = 0; i < rounds; i++) {
      const { assistantMessageId } = await phone.call('sendPrompt', {
        conversationId: conversation.id,
        text: PROMPT,
      });
      link.stall();
      const lost = phone.linksLost;
      while (phone.linksLost === lost) await sleep(5);
      // The server streams the whole answer into the session meanwhile.
      await watcher.answer(assistantMessageId);
      const welcomes = phone.welcomes.length;
      const restored = performance.now();
      link.resume();
      while (phone.welcomes.length === welcomes) await sleep(1);
      toWelcome.push(performance.now() - restored);
      await phone.answer(assistantMessageId);
      toCaughtUp.push(performance.now() - restored);
    }
    await watcher.close();
    await phone.close();
    return [
      ...['p50', 'p90', 'p99'].map((p) => ({
        name: `link restored → session resumed (protocol client) ${p}`,
        value: percentile(toWelcome, Number(p.slice(1))),
        unit: 'ms',
        ...(p === 'p90' ? { target: '<= 1000 ms', pass: percentile(toWelcome, 90) <= 1000 } : {}),
      })),
      {
        name: 'link restored → a whole missed answer replayed (protocol client) p90',
        value: percentile(toCaughtUp, 90),
        unit: 'ms',
      },
    ];
  } finally {
    await link.close();
    await hearth.close();
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = [
    ...(await protocolResumeRows()),
    ...(await idleSessionMemoryRows()),
    ...(await burstRows()),
    ...(await phoneLoadRows()),
  ];
  printTable(rows);
}
