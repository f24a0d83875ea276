// The property resume exists for: whatever the link does while an answer
// streams (drops at any frame, reconnects, acks, replay buffers of any size),
// the phone ends up showing exactly the answer, having applied every token once
// and in order.
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../shared/api';
import type { ServerFrame } from '../../shared/wire';
import { ApiFailure } from '../contracts/failure';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { settle } from '../../testing/memoryLinks';
import { seededRandom } from '../../testing/seededRandom';
import type { SessionLink } from './client';

const CONVERSATION = fixedUuid(1);
const ANSWER = fixedUuid(2);
const PHONE = { role: 'device' as const, deviceId: fixedUuid(100) };

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

/** One streaming run under random link trouble; returns what happened. */
async function run(seed: number) {
  const rand = seededRandom(seed);
  const fake = createTestHearth({
    sessionLimits: {
      replayFrames: 1 + Math.floor(rand() * 40),
      replayBytes: 200 + Math.floor(rand() * 4000),
    },
  });
  disposers.push(() => fake.hearth.dispose());
  // The server's conversation: tokens are appended here as they are announced.
  const conversation: Conversation = {
    id: CONVERSATION,
    title: 't',
    createdAt: 1,
    updatedAt: 1,
    messages: [{ id: ANSWER, role: 'assistant', text: '', status: 'streaming', createdAt: 1 }],
  };
  const answer = conversation.messages[0] as { text: string };
  fake.hearth.handlers.openConversation = async ({ id }) => {
    if (id !== CONVERSATION) throw new ApiFailure('not_found', 'no such conversation');
    return structuredClone(conversation);
  };
  const { clients: sessions } = fake.hearth;

  // The phone: what it shows, the frames on their way to it, and its own bookkeeping.
  let shown = '';
  let lastSeq = 0;
  const violations: string[] = [];
  let inFlight: ServerFrame[] = [];
  let link: SessionLink | undefined;
  let secret = '';
  let sessionId = '';
  const stats = { replays: 0, gaps: 0, drops: 0 };

  const connect = (): void => {
    const mine: SessionLink = {
      speak: () => {},
      send: (frame) => {
        if (link === mine) inFlight.push(structuredClone(frame));
      },
      close: () => {},
    };
    link = mine;
    const resume = sessionId ? { sessionId, secret, lastSeq } : undefined;
    const session = sessions.open({ t: 'hello', ...(resume ? { resume } : {}) }, PHONE, mine);
    if (!session) throw new Error('no session');
    sessionId = session.id;
  };
  const deliver = (count: number): void => {
    for (const frame of inFlight.splice(0, count)) {
      if (frame.t === 'welcome') {
        secret = frame.secret;
        if (frame.resumed) stats.replays++;
      } else if (frame.t === 'snapshot') {
        if (lastSeq > 0) stats.gaps++;
        shown = frame.open?.messages.find((m) => m.id === ANSWER)?.text ?? '';
        lastSeq = frame.seq;
      } else if (frame.t === 'event') {
        if (frame.seq !== lastSeq + 1) violations.push(`seq ${frame.seq} after ${lastSeq}`);
        lastSeq = frame.seq;
        if (frame.event.type === 'tokens') shown += frame.event.text;
      }
    }
  };
  const drop = (): void => {
    const session = sessions.get(sessionId);
    if (session && link) sessions.detach(session, link);
    link = undefined;
    inFlight = [];
    stats.drops++;
  };

  connect();
  await settle();
  deliver(Infinity);
  const session = sessions.get(sessionId);
  await session?.call({ t: 'call', id: 1, name: 'openConversation', args: { id: CONVERSATION } });

  for (let token = 0; token < 300;) {
    const action = rand();
    if (action < 0.55) {
      const text = `<${token++}>`;
      answer.text += text;
      fake.events.fire({ type: 'tokens', conversationId: CONVERSATION, messageId: ANSWER, text });
    } else if (action < 0.75) {
      if (link) deliver(1 + Math.floor(rand() * 5));
    } else if (action < 0.8) {
      if (link) drop();
    } else if (action < 0.9) {
      if (!link) {
        connect();
        // Sometimes tokens overtake a snapshot that is still being built.
        if (rand() < 0.5) await settle();
      }
    } else if (action < 0.95) {
      if (link) sessions.get(sessionId)?.acknowledge(lastSeq);
    } else {
      // Other conversations stream too; this phone must never see them.
      fake.events.fire({
        type: 'tokens',
        conversationId: fixedUuid(9),
        messageId: ANSWER,
        text: '!',
      });
    }
  }
  if (!link) connect();
  await settle();
  deliver(Infinity);
  return { shown, expected: answer.text, violations, stats };
}

describe('resume while an answer streams', () => {
  it('never loses, duplicates or reorders a token across random drops and reconnects', async () => {
    const totals = { replays: 0, gaps: 0, drops: 0 };
    for (let seed = 1; seed <= 150; seed++) {
      const { shown, expected, violations, stats } = await run(seed);
      if (violations.length > 0 || shown !== expected) {
        expect({ seed, violations, shown }).toEqual({ seed, violations: [], shown: expected });
      }
      totals.replays += stats.replays;
      totals.gaps += stats.gaps;
      totals.drops += stats.drops;
      await disposers.pop()?.();
    }
    // Both ways back were taken many times, so the property covered both.
    expect(totals.drops).toBeGreaterThan(1000);
    expect(totals.replays).toBeGreaterThan(500);
    expect(totals.gaps).toBeGreaterThan(300);
  });
});
