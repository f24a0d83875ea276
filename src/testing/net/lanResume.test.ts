// Conversations survive a bad link: real phones' protocol clients talk to a
// real Hearth (its own process, the fixture model at temperature 0) through a
// fault-injecting proxy each, and the proxy drops, stalls and slows their links
// while answers stream. Every answer must come out exactly as an undisturbed
// run gives it, with no event lost, repeated or out of order, and every drop
// must end in the same session resumed.
//
// HEARTH_NET_DROPS sets how many drops the stress test makes (default 200, as
// CI runs it); raise it for a longer soak.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { askInNewConversation, sendOnce } from './conversing';
import { FaultProxy } from './faultProxy';
import { HearthUnderTest, PHONE_ADDRESS } from './hearthUnderTest';
import type { PhoneClient, PhoneClientOptions } from './phoneClient';

const DROPS = Number(process.env.HEARTH_NET_DROPS ?? 200);
const SESSIONS = 5;
const PROMPTS = [
  'Tell me a story about a cat.',
  'Tell me a story about a dog and a ball.',
  'Once upon a time there was a little boat.',
  'Tell me about the sun and the moon.',
  'Tell me a story about a red bird.',
];

let hearth: HearthUnderTest;
/** A Hearth whose sessions expire after SHORT_EXPIRY_MS, for the phone that stays away. */
let shortLived: HearthUnderTest;
/** The shortest session life config accepts. */
const SHORT_EXPIRY_MS = 1000;
/** Each prompt's answer on an undisturbed link. */
const reference = new Map<string, string>();
const proxies: FaultProxy[] = [];
const clients: PhoneClient[] = [];

beforeAll(async () => {
  // Long enough answers that many drops land inside each one. Both servers boot
  // side by side: a start is mostly the child loading its code and the model.
  [hearth, shortLived] = await Promise.all([
    HearthUnderTest.start({ HEARTH_MAX_TOKENS: '400' }),
    HearthUnderTest.start({ HEARTH_SESSION_EXPIRY_MS: String(SHORT_EXPIRY_MS) }),
  ]);
  const phone = await hearth.phone(await hearth.pair()).connect();
  for (const prompt of PROMPTS) {
    reference.set(prompt, (await askInNewConversation(phone, prompt)).text);
  }
  await phone.close();
}, 120_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

afterAll(async () => {
  await Promise.all([hearth?.close(), shortLived?.close()]);
});

/** A paired phone whose link to Hearth runs through its own fault proxy. */
async function phoneBehindProxy(
  options: Partial<PhoneClientOptions> = {},
): Promise<{ phone: PhoneClient; link: FaultProxy }> {
  const cookie = await hearth.pair();
  const link = await FaultProxy.start({
    target: { host: '127.0.0.1', port: hearth.port },
    localAddress: PHONE_ADDRESS,
  });
  proxies.push(link);
  const phone = hearth.phone(cookie, { url: `ws://127.0.0.1:${link.port}/ws`, ...options });
  clients.push(phone);
  await phone.connect();
  return { phone, link };
}

/** What every disturbed session must show at the end. */
function expectSessionIntact(phone: PhoneClient): void {
  expect(phone.violations).toEqual([]);
  // One session throughout: the first welcome made it, every later one resumed it.
  expect(phone.welcomes.slice(1).every((w) => w.resumed && w.sessionId === phone.sessionId)).toBe(
    true,
  );
  expect(phone.welcomes.length).toBe(phone.linksLost + 1);
  // Every miss was filled by replay, none by a snapshot.
  expect(phone.gapSnapshots).toBe(0);
}

const isStreaming = (phone: PhoneClient): boolean => phone.view.streaming;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a phone on a bad link', () => {
  // The many-drop stress test runs last: the conversations it leaves behind are
  // sent to every phone that connects, which the slow link would crawl through.
  it('notices a black-holed link by its heartbeat, and resumes once the link is back', async () => {
    const { phone, link } = await phoneBehindProxy({ heartbeatMs: 200, deadAfterMs: 800 });
    const prompt = PROMPTS[0] ?? '';
    const conversation = await phone.call('newConversation', {});
    const messageId = await sendOnce(phone, conversation.id, prompt);
    await untilStreaming(phone);
    link.stall();
    // Nothing reaches the phone and nobody is told: only the heartbeat can tell.
    const lost = Date.now();
    while (phone.linksLost === 0) await sleep(20);
    expect(Date.now() - lost).toBeLessThan(2000);
    await sleep(500);
    link.resume();
    const answer = await phone.answer(messageId);
    expect(answer.text).toBe(reference.get(prompt));
    expectSessionIntact(phone);
    // The server let go of the half-open socket the phone abandoned.
    while (link.connections > 1) await sleep(20);
    expect(link.connections).toBe(1);
  }, 60_000);

  it('streams an answer whole over a slow link that also drops', async () => {
    const { phone, link } = await phoneBehindProxy();
    link.slow(4000);
    const prompt = PROMPTS[1] ?? '';
    const asking = askInNewConversation(phone, prompt);
    await untilStreaming(phone);
    for (let i = 0; i < 3; i++) {
      await phone.welcomed();
      await sleep(100);
      const lost = phone.linksLost;
      // Each drop must cut the answer while it streams, not after it ended.
      expect(isStreaming(phone)).toBe(true);
      link.drop();
      while (phone.linksLost === lost) await sleep(5);
    }
    expect((await asking).text).toBe(reference.get(prompt));
    expectSessionIntact(phone);
    expect(phone.linksLost).toBe(3);
  }, 60_000);

  it(`keeps ${SESSIONS} sessions whole through ${DROPS} drops mid-answer, every answer as undisturbed`, async () => {
    // One at a time: each pairing code works once. The phones come back 5 ms
    // after a drop (not 20): the next drop waits for its victim to be back, so
    // this sets the pace of the whole test.
    const sessions = [];
    for (const prompt of PROMPTS.slice(0, SESSIONS)) {
      const link = await phoneBehindProxy({ retryMs: 5 });
      sessions.push({ prompt, ...link, drops: 0, answers: [] as string[] });
    }
    let dropping = true;
    const conversing = sessions.map(async (session) => {
      while (dropping)
        session.answers.push((await askInNewConversation(session.phone, session.prompt)).text);
    });
    // Drops come at random moments, each one to the session whose answer is streaming.
    let drops = 0;
    while (drops < DROPS) {
      // Often enough that the drops take seconds, not tens of them; a victim
      // still reconnecting is skipped, so every drop cuts a live link.
      await sleep(5 + Math.random() * 15);
      const streaming = sessions.filter((s) => isStreaming(s.phone) && s.phone.connected);
      const victim = streaming[Math.floor(Math.random() * streaming.length)];
      if (!victim || victim.link.drop() === 0) continue;
      victim.drops++;
      drops++;
    }
    dropping = false;
    await Promise.all(conversing);

    for (const session of sessions) {
      expectSessionIntact(session.phone);
      expect(session.phone.linksLost).toBeGreaterThanOrEqual(session.drops);
      expect(session.answers.length).toBeGreaterThan(0);
      for (const answer of session.answers) expect(answer).toBe(reference.get(session.prompt));
    }
    // Spread across the sessions, not all on one.
    expect(Math.min(...sessions.map((s) => s.drops))).toBeGreaterThanOrEqual(DROPS / SESSIONS / 3);
  }, 240_000);
});

describe('a phone that stays away longer than its session lives', () => {
  it('gets a new session with a snapshot, and finds its conversation in the history', async () => {
    try {
      const cookie = await shortLived.pair();
      const link = await FaultProxy.start({
        target: { host: '127.0.0.1', port: shortLived.port },
        localAddress: PHONE_ADDRESS,
      });
      proxies.push(link);
      const phone = shortLived.phone(cookie, { url: `ws://127.0.0.1:${link.port}/ws` });
      clients.push(phone);
      await phone.connect();
      const answer = await askInNewConversation(phone, PROMPTS[2] ?? '');
      const first = phone.sessionId;
      // Both ends see the link go (so Hearth starts the session's clock), and
      // the phone's attempts to come back hang until the link returns.
      link.stall();
      link.drop();
      while (phone.linksLost === 0) await sleep(20);
      // Past the session's life, even if Hearth sees the drop a little late.
      await sleep(SHORT_EXPIRY_MS + 500);
      link.resume();
      while (phone.welcomes.length < 2) await sleep(20);
      // Said plainly: a new session, then a whole snapshot, never a silent gap.
      expect(phone.welcomes[1]).toMatchObject({ resumed: false });
      expect(phone.sessionId).not.toBe(first);
      expect(phone.snapshots).toBe(2);
      expect(phone.violations).toEqual([]);
      const history = await phone.call('listConversations', {});
      const conversation = history.find((summary) => summary.messageCount === 2);
      expect(conversation).toBeDefined();
      const opened = await phone.call('openConversation', { id: conversation?.id ?? '' });
      expect(opened.messages.at(-1)?.text).toBe(answer.text);
    } finally {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    }
  }, 60_000);
});

async function untilStreaming(phone: PhoneClient): Promise<void> {
  while (!isStreaming(phone)) await sleep(5);
}
