// Resume and focus over the real service and the real model: phones that open a
// conversation while its answer streams, or drop and come back through a gap,
// end up showing exactly the answer that was stored, each token once.
import { describe, expect, it } from 'vitest';
import type { Conversation, HearthEvent } from '../../shared/api';
import type { ServerFrame } from '../../shared/wire';
import { useCleanups } from '../../testing/cleanups';
import { settle } from '../../testing/memoryLinks';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import type { SessionLink } from './client';
import type { Clients } from './clients';

const cleanups = useCleanups();

async function startApp() {
  const config = appConfig(cleanups.scratchDir(), { HEARTH_MAX_TOKENS: '200' });
  const app = composeTestCore(config);
  cleanups.defer(() => app.dispose());
  await app.start();
  await app.engine.whenSettled();
  return app;
}

/** A phone as the session layer meets it: applies snapshots and events to the answer it shows. */
function phone(sessions: Clients, answerId: () => string | undefined) {
  let shown = '';
  let lastSeq = 0;
  let sessionId = '';
  let secret = '';
  let link: SessionLink | undefined;
  const problems: string[] = [];
  const textIn = (conversation: Conversation | undefined) =>
    conversation?.messages.find((m) => m.id === answerId())?.text ?? '';
  const receive = (frame: ServerFrame) => {
    if (frame.t === 'welcome') {
      sessionId = frame.sessionId;
      secret = frame.secret;
    } else if (frame.t === 'snapshot') {
      shown = textIn(frame.open);
      lastSeq = frame.seq;
    } else if (frame.t === 'event') {
      if (frame.seq !== lastSeq + 1) problems.push(`seq ${frame.seq} after ${lastSeq}`);
      lastSeq = frame.seq;
      const event: HearthEvent = frame.event;
      if (event.type === 'tokens' && event.messageId === answerId()) shown += event.text;
    }
  };
  const connect = (lastSeenSeq = lastSeq) => {
    const mine: SessionLink = {
      speak: () => {},
      send: (frame) => {
        if (link === mine) receive(structuredClone(frame));
      },
      close: () => {},
    };
    link = mine;
    const resume = sessionId ? { sessionId, secret, lastSeq: lastSeenSeq } : undefined;
    return sessions.open(
      { t: 'hello', ...(resume ? { resume } : {}) },
      { role: 'device', deviceId: 'p' },
      mine,
    );
  };
  return {
    connect,
    drop() {
      const session = sessions.get(sessionId);
      if (session && link) sessions.detach(session, link);
      link = undefined;
    },
    session: () => sessions.get(sessionId),
    shown: () => shown,
    /** The text it shows after applying a call's result (openConversation). */
    show(conversation: Conversation) {
      shown = textIn(conversation);
    },
    problems,
  };
}

describe('sessions over the real service', () => {
  it('every phone ends with the stored answer, whether it opened mid-answer or came back through a gap', async () => {
    const app = await startApp();
    const { clients: sessions } = app;
    // Known once the prompt is sent; the phones read it as frames arrive.
    const answer: { id?: string } = {};
    const owner = sessions.open(
      { t: 'hello' },
      { role: 'owner' },
      { send: () => {}, speak: () => {}, close: () => {} },
    );
    if (!owner) throw new Error('no session');
    const created = await owner.call({ t: 'call', id: 1, name: 'newConversation', args: {} });
    const conversationId = (created as { value: Conversation }).value.id;

    // Phone B has the conversation open from the start and keeps losing its link.
    const b = phone(sessions, () => answer.id);
    b.connect();
    await settle();
    await b
      .session()
      ?.call({ t: 'call', id: 1, name: 'openConversation', args: { id: conversationId } });

    const done = new Promise<string>((resolve) =>
      app.events.subscribe((event) => {
        if (
          event.type === 'message' &&
          event.message.id === answer.id &&
          event.message.status === 'complete'
        ) {
          resolve(event.message.text);
        }
      }),
    );
    const sent = await owner.call({
      t: 'call',
      id: 2,
      name: 'sendPrompt',
      args: { conversationId, text: 'Once upon a time' },
    });
    answer.id = (sent as { value: { assistantMessageId: string } }).value.assistantMessageId;

    // Phone A opens the conversation a moment after tokens start flowing.
    const a = phone(sessions, () => answer.id);
    let tokens = 0;
    const opening = new Promise<void>((resolve) => {
      const off = app.events.subscribe((event) => {
        if (event.type !== 'tokens' || tokens++ > 0) return;
        off();
        setTimeout(() => {
          a.connect();
          void a
            .session()
            ?.call({ t: 'call', id: 1, name: 'openConversation', args: { id: conversationId } })
            .then((outcome) => outcome.ok && a.show(outcome.value as Conversation))
            .then(() => resolve());
        }, 5);
      });
    });
    // Meanwhile phone B loses its link every few ms, at whatever point the answer is.
    let drops = 0;
    const flaky = setInterval(() => {
      b.drop();
      drops++;
      if (drops % 2 === 1) return void b.connect();
      // Every other time the server no longer holds what the phone missed: a snapshot.
      b.session()?.acknowledge(Number.MAX_SAFE_INTEGER);
      b.connect(0);
    }, 2);
    cleanups.defer(() => clearInterval(flaky));
    const stored = await done;
    await opening;
    clearInterval(flaky);
    if (!b.session()?.attached) b.connect();
    await settle();

    expect(drops).toBeGreaterThan(10);
    expect(stored.length).toBeGreaterThan(20);
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(a.shown()).toBe(stored);
    expect(b.shown()).toBe(stored);
  });
});
