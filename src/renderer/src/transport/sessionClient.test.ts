import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HearthEvent } from '../../../shared/api';
import type { Resync, SessionInfo } from '../../../shared/transport';
import type { ClientFrame } from '../../../shared/wire';
import { fixedUuid } from '../../../testing/ids';
import { snapshot } from '../../../testing/rendererFakes';
import { memoryResumeStore, tabResumeStore, type ResumeStore } from './resumeStore';
import { HOLDS_NOTHING, SessionClient } from './sessionClient';

const CONVERSATION_ID = fixedUuid(1);
const deleted = (n: number): HearthEvent => ({
  type: 'conversationDeleted',
  conversationId: fixedUuid(n),
});

const clients: SessionClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
  vi.restoreAllMocks();
});

/** A session client whose frames the test plays as the server, recording what it hears. */
function open(resume: ResumeStore = memoryResumeStore(), options = {}) {
  const sent: ClientFrame[] = [];
  const heard = {
    events: [] as HearthEvent[],
    snapshots: [] as Resync[],
    sessions: [] as SessionInfo[],
  };
  let live = 0;
  let gaps = 0;
  const client = new SessionClient({
    send: (frame) => sent.push(frame),
    resume,
    onLive: () => live++,
    onGap: () => gaps++,
    ...options,
  });
  clients.push(client);
  client.onEvent((event) => heard.events.push(event));
  client.onSnapshot((resync) => heard.snapshots.push(resync));
  client.onSession((session) => heard.sessions.push(session));
  const server = {
    welcome: (resumed = false, role: SessionInfo['role'] = 'owner') =>
      client.receive({ t: 'welcome', sessionId: 's1', secret: 'shh', resumed, role }),
    snapshot: (seq: number) => client.receive({ t: 'snapshot', seq, snapshot: snapshot() }),
    event: (seq: number, event: HearthEvent = deleted(seq)) =>
      client.receive({ t: 'event', seq, event }),
  };
  return {
    client,
    sent,
    heard,
    server,
    get live() {
      return live;
    },
    get gaps() {
      return gaps;
    },
  };
}

describe('session client', () => {
  it('says hello without a session first, and asks to resume with the last processed event after', () => {
    const s = open();
    expect(s.client.hello()).toEqual({ t: 'hello' });
    s.server.welcome();
    s.server.snapshot(4);
    s.server.event(5);
    s.server.event(6);
    expect(s.client.hello()).toEqual({
      t: 'hello',
      resume: { sessionId: 's1', secret: 'shh', lastSeq: 6 },
    });
  });

  it('is live after a new session only once its snapshot came, and after a resume at once', () => {
    const s = open();
    s.client.hello();
    s.server.welcome(false);
    s.server.event(1); // before the snapshot: no state to apply it to
    expect(s.live).toBe(0);
    s.server.snapshot(0);
    expect(s.live).toBe(1);
    expect(s.heard.events).toEqual([]);
    expect(s.heard.sessions).toEqual([{ role: 'owner', resumed: false }]);

    s.client.hello();
    s.server.welcome(true);
    expect(s.live).toBe(2);
    expect(s.heard.snapshots).toHaveLength(1);
  });

  it('processes each event once, in order: a replayed one is skipped, a skipped one breaks off', () => {
    const s = open();
    s.client.hello();
    s.server.welcome();
    s.server.snapshot(0);
    for (const seq of [1, 2, 2, 1, 3]) s.server.event(seq);
    expect(s.heard.events).toEqual([deleted(1), deleted(2), deleted(3)]);
    s.server.event(5);
    s.server.event(4); // nothing more is read on a broken connection
    expect(s.gaps).toBe(1);
    expect(s.heard.events).toHaveLength(3);
    expect(s.client.hello().resume?.lastSeq).toBe(3);
  });

  it('a page that holds no state resumes its session but asks for everything', () => {
    const storage = new Map<string, string>();
    const tab = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    } as Storage;
    const before = open(tabResumeStore(tab));
    before.client.hello();
    before.server.welcome();
    before.server.snapshot(7);

    const reloaded = open(tabResumeStore(tab));
    expect(reloaded.client.hello()).toEqual({
      t: 'hello',
      resume: { sessionId: 's1', secret: 'shh', lastSeq: HOLDS_NOTHING },
    });
    // Resumed, but holding nothing: live only once the snapshot is in.
    reloaded.server.welcome(true);
    expect(reloaded.live).toBe(0);
    reloaded.server.snapshot(9);
    expect(reloaded.live).toBe(1);
  });

  it('keeps the session in memory where the tab storage refuses it', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    } as unknown as Storage;
    const s = open(tabResumeStore(broken));
    s.client.hello();
    s.server.welcome();
    s.server.snapshot(0);
    expect(s.client.hello().resume).toEqual({ sessionId: 's1', secret: 'shh', lastSeq: 0 });
  });

  it('acknowledges every 50 events, and after a quiet moment the rest', async () => {
    const s = open(memoryResumeStore(), { ackAfterMs: 20 });
    s.client.hello();
    s.server.welcome();
    s.server.snapshot(0);
    for (let seq = 1; seq <= 120; seq++) s.server.event(seq);
    expect(s.sent).toEqual([
      { t: 'ack', seq: 50 },
      { t: 'ack', seq: 100 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(s.sent.at(-1)).toEqual({ t: 'ack', seq: 120 });
  });

  it('drops an event that breaks the API with a warning, and counts it as processed', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const s = open();
    s.client.hello();
    s.server.welcome();
    s.server.snapshot(0);
    s.client.receive({ t: 'event', seq: 1, event: { type: 'tokens', text: 'no ids' } });
    s.server.event(2);
    s.client.receive({ t: 'gossip' });
    expect(s.heard.events).toEqual([deleted(2)]);
    expect(s.gaps).toBe(0);
    expect(warn.mock.calls.map((args) => String(args[0]))).toEqual([
      expect.stringMatching(/does not match the API: event\.conversationId: /),
      expect.stringMatching(/unknown type "gossip"/),
    ]);
  });

  it('keeps delivering events to the others when one listener throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const s = open();
    s.client.onEvent(() => {
      throw new Error('broken view');
    });
    s.client.hello();
    s.server.welcome();
    s.server.snapshot(0);
    s.server.event(1, { type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    s.server.event(2);
    expect(s.heard.events).toHaveLength(2);
    expect(error).toHaveBeenCalledTimes(2);
  });
});
