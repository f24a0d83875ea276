import { afterEach, describe, expect, it } from 'vitest';
import { Emitter, type Subscription } from '../../shared/emitter';
import { NO_CALL_ID, serverFrame, type ServerFrame } from '../../shared/wire';
import { createTestHearth, type TestHearthOptions } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { settle } from '../../testing/memoryLinks';
import type { LinkCloseReason } from './client';
import type { Principal } from './principal';
import { serveRpc, type FrameChannel, type Received } from './connection';

const CONVERSATION_ID = fixedUuid(1);

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** A channel in memory: what the endpoint posts is kept, and the test plays the client. */
function memoryChannel(post: (frame: ServerFrame) => void = () => {}) {
  const posted: ServerFrame[] = [];
  const incoming = new Emitter<Received>();
  const channel: FrameChannel = {
    postSpeech: () => {},
    post: (frame) => {
      post(frame);
      // Every frame the endpoint sends must be one a client can parse.
      posted.push(serverFrame.parse(structuredClone(frame)));
    },
    onReceive: (listener) => incoming.subscribe(listener),
  };
  /** Sent as a WebSocket sends it: JSON text. */
  const send = (frame: unknown) => {
    const text = JSON.stringify(frame);
    incoming.fire({ text, bytes: Buffer.byteLength(text) });
  };
  const resultFor = async (id: number): Promise<ServerFrame> => {
    for (let i = 0; i < 100; i++) {
      const found = posted.find((f) => f.t === 'result' && f.id === id);
      if (found) return found;
      await settle();
    }
    throw new Error(`no result for call ${id}`);
  };
  const errors = () =>
    posted.flatMap((f) => (f.t === 'result' && !f.ok ? [{ id: f.id, ...f.error }] : []));
  return { channel, posted, incoming, send, resultFor, errors };
}

function serve(
  options: {
    transport?: 'ws' | 'ipc';
    principal?: Principal;
    hearth?: TestHearthOptions;
    now?: () => number;
  } = {},
) {
  const fake = createTestHearth(options.hearth);
  cleanup.push(() => fake.hearth.dispose());
  const closed: LinkCloseReason[] = [];
  const connect = (wire = memoryChannel()) => {
    const endpoint: Subscription = serveRpc(wire.channel, {
      clients: fake.hearth.clients,
      principal: options.principal ?? { role: 'owner' },
      logger: fake.logger,
      transport: options.transport ?? 'ws',
      connectionId: 'conn-1',
      close: (reason) => closed.push(reason),
      now: options.now,
    });
    cleanup.push(endpoint);
    return { wire, endpoint };
  };
  const { wire, endpoint } = connect();
  return { fake, wire, endpoint, closed, connect };
}

describe('serveRpc', () => {
  it('refuses calls before hello with a clear error, then serves the session hello opens', async () => {
    const { wire, fake } = serve();
    wire.send({ t: 'call', id: 1, name: 'listConversations', args: {} });
    expect(await wire.resultFor(1)).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/^send hello first/) },
    });
    wire.send({ t: 'hello' });
    await settle();
    expect(wire.posted.slice(1).map((f) => f.t)).toEqual(['welcome', 'snapshot']);
    wire.send({ t: 'call', id: 2, name: 'listConversations', args: {} });
    expect(await wire.resultFor(2)).toMatchObject({ ok: true, value: [] });
    expect(fake.hearth.clients.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('answers each call with its id, in the order they finish, run as the session', async () => {
    const { fake, wire } = serve();
    wire.send({ t: 'hello' });
    let release = () => {};
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => (release = () => resolve({ stopped: true })));
    wire.send({ t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } });
    wire.send({ t: 'call', id: 2, name: 'newConversation', args: {} });
    const created = (await wire.resultFor(2)) as { value: { id: string } };
    expect(wire.posted.some((f) => f.t === 'result' && f.id === 1)).toBe(false);
    release();
    expect(await wire.resultFor(1)).toEqual({
      t: 'result',
      id: 1,
      ok: true,
      value: { stopped: true },
    });
    wire.send({
      t: 'call',
      id: 3,
      name: 'sendPrompt',
      args: { conversationId: created.value.id, text: 'hi' },
    });
    const sessionId = wire.posted.find((f) => f.t === 'welcome')?.sessionId;
    const sent = (await wire.resultFor(3)) as { value: { assistantMessageId: string } };
    // The answer itself reached this session as an event, written as the session.
    const answer = wire.posted.find(
      (f) =>
        f.t === 'event' &&
        f.event.type === 'message' &&
        f.event.message.id === sent.value.assistantMessageId,
    );
    expect(answer).toMatchObject({ event: { message: { text: `echo from ${sessionId}: hi` } } });
  });

  it('answers ping with pong at once, with or without a session', async () => {
    const { wire } = serve();
    wire.send({ t: 'ping', id: 7 });
    wire.send({ t: 'hello' });
    wire.send({ t: 'ping', id: 8 });
    expect(wire.posted.filter((f) => f.t === 'pong')).toEqual([
      { t: 'pong', id: 7 },
      { t: 'pong', id: 8 },
    ]);
  });

  it('refuses bad frames with a message naming the field, answering call ids only', async () => {
    const { fake, wire } = serve({ transport: 'ipc' });
    wire.send({ t: 'hello' });
    wire.send({ t: 'call', id: 3, name: 'stop', args: {}, extra: true });
    wire.send({ t: 'call', id: 'four', name: 'stop', args: {} });
    wire.send({ t: 'call', id: 5, name: 'launchMissiles', args: {} });
    wire.send({ t: 'ping', id: 6, extra: 1 });
    wire.send({ t: 'hello', resume: { sessionId: 'x' } });
    wire.send({ t: 'teleport' });
    wire.send('just a string');
    wire.incoming.fire({ text: '{"t":"call",', bytes: 12 });
    await settle();
    expect(wire.errors()).toEqual([
      { id: 3, code: 'bad_request', message: expect.stringMatching(/^bad call frame: .*"extra"/) },
      {
        id: NO_CALL_ID,
        code: 'bad_request',
        message: expect.stringMatching(/^bad call frame: id: /),
      },
      { id: 5, code: 'bad_request', message: 'unknown command: launchMissiles' },
      // A ping's id is not a call's: its refusal must not settle call 6.
      { id: NO_CALL_ID, code: 'bad_request', message: expect.stringMatching(/^bad ping frame: /) },
      {
        id: NO_CALL_ID,
        code: 'bad_request',
        message: expect.stringMatching(/^bad hello frame: resume/),
      },
      { id: NO_CALL_ID, code: 'bad_request', message: expect.stringMatching(/^bad frame: t: /) },
      {
        id: NO_CALL_ID,
        code: 'bad_request',
        message: expect.stringMatching(/^bad frame: frame: /),
      },
      { id: NO_CALL_ID, code: 'bad_request', message: 'frame is not valid JSON' },
    ]);
    const logged = fake.logger.entries.filter((e) => e.eventType === 'ipc_bad_frame');
    expect(logged).toHaveLength(8);
    expect(logged[0]?.context).toMatchObject({ connectionId: 'conn-1' });
    // Still serving.
    wire.send({ t: 'call', id: 9, name: 'listConversations', args: {} });
    expect(await wire.resultFor(9)).toMatchObject({ ok: true });
  });

  it("answers a message the channel could not decode with the channel's reason and id", async () => {
    const { fake, wire } = serve();
    wire.incoming.fire({ undecodable: 'binary frames are not accepted', id: 9, bytes: 99 });
    expect(await wire.resultFor(9)).toEqual({
      t: 'result',
      id: 9,
      ok: false,
      error: { code: 'bad_request', message: 'binary frames are not accepted' },
    });
    expect(fake.logger.entries.find((e) => e.eventType === 'ws_bad_frame')?.context).toEqual({
      connectionId: 'conn-1',
      reason: 'binary frames are not accepted',
      bytes: 99,
    });
  });

  it('still answers the caller when the channel cannot carry its result', async () => {
    const wire = memoryChannel((frame) => {
      if (frame.t === 'result' && frame.ok) throw new TypeError('cannot serialise a BigInt');
    });
    const { fake, connect } = serve();
    connect(wire);
    wire.send({ t: 'hello' });
    wire.send({ t: 'call', id: 7, name: 'listConversations', args: {} });
    expect(await wire.resultFor(7)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(fake.logger.entries.map((e) => e.eventType)).toContain('ws_call_failed');
  });

  it('a second hello starts over: results of the earlier calls are not sent on', async () => {
    const { fake, wire } = serve({ transport: 'ipc' });
    wire.send({ t: 'hello' });
    let release = () => {};
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => (release = () => resolve({ stopped: true })));
    wire.send({ t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } });
    await settle();
    // The kiosk page reloaded and says hello again.
    wire.send({ t: 'hello' });
    release();
    await settle();
    const welcomes = wire.posted.filter((f) => f.t === 'welcome');
    expect(welcomes).toHaveLength(2);
    expect(welcomes[0]?.sessionId).not.toBe(welcomes[1]?.sessionId);
    expect(wire.posted.some((f) => f.t === 'result' && f.id === 1)).toBe(false);
    expect(fake.hearth.clients.counts()).toEqual({ connected: 1, disconnected: 1 });
  });

  it('after dispose hears no frames, sends nothing and leaves its session to wait for a resume', async () => {
    const { fake, wire, endpoint } = serve();
    wire.send({ t: 'hello' });
    let release = () => {};
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => (release = () => resolve({ stopped: true })));
    wire.send({ t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } });
    await settle();
    const sent = wire.posted.length;
    endpoint.dispose();
    endpoint.dispose();
    release();
    wire.send({ t: 'call', id: 2, name: 'listConversations', args: {} });
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await settle();
    expect(wire.posted).toHaveLength(sent);
    expect(wire.incoming.size).toBe(0);
    expect(fake.hearth.clients.counts()).toEqual({ connected: 0, disconnected: 1 });
  });
});
