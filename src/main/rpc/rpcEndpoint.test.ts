import { describe, expect, it } from 'vitest';
import { Emitter } from '../../shared/emitter';
import { NO_CALL_ID, serverFrame, type ServerFrame } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { serveRpc, type FrameChannel, type Received } from './rpcEndpoint';

const CONVERSATION_ID = fixedUuid(1);
const MESSAGE_ID = fixedUuid(2);

/** A channel in memory: what the endpoint posts is kept, and the test plays the client. */
function memoryChannel(post: (frame: ServerFrame) => void = () => {}) {
  const posted: ServerFrame[] = [];
  const incoming = new Emitter<Received>();
  const channel: FrameChannel = {
    post: (frame) => {
      post(frame);
      // Every frame the endpoint sends must be one a client can parse.
      posted.push(serverFrame.parse(frame));
    },
    onReceive: (listener) => incoming.subscribe(listener),
  };
  const send = (frame: unknown) => incoming.fire({ frame });
  const resultFor = async (id: number): Promise<ServerFrame> => {
    for (let i = 0; i < 100; i++) {
      const found = posted.find((f) => f.t === 'result' && f.id === id);
      if (found) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`no result for call ${id}`);
  };
  return { channel, posted, incoming, send, resultFor };
}

function serve(transport: 'ws' | 'ipc' = 'ipc') {
  const fake = createTestHearth();
  const wire = memoryChannel();
  const endpoint = serveRpc(wire.channel, {
    handlers: fake.hearth.handlers,
    events: fake.hearth.events,
    clientId: 'tester',
    logger: fake.logger,
    transport,
  });
  return { fake, wire, endpoint };
}

describe('serveRpc', () => {
  it('answers each call frame with a result frame carrying its id, in the order they finish', async () => {
    const { fake, wire } = serve();
    let release = () => {};
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => (release = () => resolve({ stopped: true })));
    wire.send({ t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } });
    wire.send({ t: 'call', id: 2, name: 'newConversation', args: {} });
    expect(await wire.resultFor(2)).toMatchObject({
      ok: true,
      value: { title: 'New conversation' },
    });
    expect(wire.posted.some((f) => f.t === 'result' && f.id === 1)).toBe(false);
    release();
    expect(await wire.resultFor(1)).toEqual({
      t: 'result',
      id: 1,
      ok: true,
      value: { stopped: true },
    });
  });

  it('runs the handler as the calling client', async () => {
    const { wire } = serve();
    wire.send({ t: 'call', id: 1, name: 'newConversation', args: {} });
    const created = (await wire.resultFor(1)) as { value: { id: string } };
    wire.send({
      t: 'call',
      id: 2,
      name: 'sendPrompt',
      args: { conversationId: created.value.id, text: 'hi' },
    });
    expect(await wire.resultFor(2)).toMatchObject({
      value: { assistantMessage: { text: 'echo from tester: hi' } },
    });
  });

  it('refuses what is not a call with one message naming the field, and logs it per transport', async () => {
    const { fake, wire } = serve('ipc');
    wire.send({ t: 'call', id: 3, name: 'stop', args: {}, extra: true });
    wire.send({ t: 'call', id: 'four', name: 'stop', args: {} });
    wire.send({ t: 'call', id: 5, name: 'launchMissiles', args: {} });
    wire.send('just a string');

    const refusal = async (id: number) => {
      const frame = await wire.resultFor(id);
      if (frame.t !== 'result' || frame.ok) throw new Error('expected a refusal');
      expect(frame.error.code).toBe('bad_request');
      return frame.error.message;
    };
    expect(await refusal(3)).toMatch(/^bad call frame: frame: .*"extra"/);
    expect(await refusal(5)).toBe('unknown command: launchMissiles');
    // No usable id: these are answered with NO_CALL_ID, the field named in each.
    const orphans = wire.posted.filter((f) => f.t === 'result' && f.id === NO_CALL_ID);
    expect(orphans.map((f) => (f.t === 'result' && !f.ok ? f.error.message : ''))).toEqual([
      expect.stringMatching(/^bad call frame: id: /),
      expect.stringMatching(/^bad call frame: frame: /),
    ]);
    const logged = fake.logger.entries.filter((e) => e.eventType === 'ipc_bad_frame');
    expect(logged).toHaveLength(4);
    expect(logged[0]?.context).toMatchObject({ clientId: 'tester' });
  });

  it('answers arguments that break the schema as an API error naming the field, not a bad frame', async () => {
    const { fake, wire } = serve();
    wire.send({
      t: 'call',
      id: 6,
      name: 'sendPrompt',
      args: { conversationId: CONVERSATION_ID, text: '' },
    });
    expect(await wire.resultFor(6)).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/^sendPrompt: text: /) },
    });
    expect(fake.logger.entries.some((e) => e.eventType.endsWith('_bad_frame'))).toBe(false);
  });

  it("answers a message the channel could not decode with the channel's reason and id", async () => {
    const { fake, wire } = serve('ws');
    wire.incoming.fire({ undecodable: 'frame is too large', id: 9, bytes: 99 });
    expect(await wire.resultFor(9)).toEqual({
      t: 'result',
      id: 9,
      ok: false,
      error: { code: 'bad_request', message: 'frame is too large' },
    });
    expect(fake.logger.entries.find((e) => e.eventType === 'ws_bad_frame')?.context).toEqual({
      clientId: 'tester',
      reason: 'frame is too large',
      bytes: 99,
    });
  });

  it('still answers the caller when the channel cannot carry its result', async () => {
    const fake = createTestHearth();
    const wire = memoryChannel((frame) => {
      if (frame.t === 'result' && frame.ok) throw new TypeError('cannot serialise a BigInt');
    });
    serveRpc(wire.channel, {
      handlers: fake.hearth.handlers,
      events: fake.hearth.events,
      clientId: 'tester',
      logger: fake.logger,
      transport: 'ws',
    });
    wire.send({ t: 'call', id: 7, name: 'listConversations', args: {} });
    expect(await wire.resultFor(7)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(fake.logger.entries.map((e) => e.eventType)).toContain('ws_call_failed');
  });

  it('sends every event as an event frame', () => {
    const { fake, wire } = serve();
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    fake.events.fire({
      type: 'tokens',
      conversationId: CONVERSATION_ID,
      messageId: MESSAGE_ID,
      text: 'Hi',
    });
    expect(wire.posted).toEqual([
      { t: 'event', event: { type: 'conversationDeleted', conversationId: CONVERSATION_ID } },
      {
        t: 'event',
        event: {
          type: 'tokens',
          conversationId: CONVERSATION_ID,
          messageId: MESSAGE_ID,
          text: 'Hi',
        },
      },
    ]);
  });

  it('keeps other clients hearing events when one channel fails to carry them', () => {
    const fake = createTestHearth();
    const broken = memoryChannel(() => {
      throw new Error('gone');
    });
    const healthy = memoryChannel();
    for (const [wire, clientId] of [
      [broken, 'broken'],
      [healthy, 'healthy'],
    ] as const) {
      serveRpc(wire.channel, {
        handlers: fake.hearth.handlers,
        events: fake.hearth.events,
        clientId,
        logger: fake.logger,
        transport: 'ws',
      });
    }
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    expect(healthy.posted).toHaveLength(1);
    expect(
      fake.logger.entries.find((e) => e.eventType === 'ws_event_failed')?.context,
    ).toMatchObject({ clientId: 'broken' });
  });

  it('after dispose, hears no frames, sends no events and drops results of calls in flight', async () => {
    const { fake, wire, endpoint } = serve();
    let release = () => {};
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => (release = () => resolve({ stopped: true })));
    wire.send({ t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } });
    await new Promise((resolve) => setImmediate(resolve));
    endpoint.dispose();
    endpoint.dispose();
    release();
    wire.send({ t: 'call', id: 2, name: 'listConversations', args: {} });
    fake.events.fire({ type: 'conversationDeleted', conversationId: CONVERSATION_ID });
    await new Promise((resolve) => setImmediate(resolve));
    expect(wire.posted).toEqual([]);
    expect(wire.incoming.size).toBe(0);
    expect(fake.hearth.events.size).toBe(0);
  });
});
