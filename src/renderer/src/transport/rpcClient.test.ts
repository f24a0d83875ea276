import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HearthEvent } from '../../../shared/api';
import { Emitter } from '../../../shared/emitter';
import { HearthCallError } from '../../../shared/transport';
import type { CallFrame } from '../../../shared/wire';
import { fixedUuid } from '../../../testing/ids';
import { createRpcClient, type FramePort } from './rpcClient';

/** A port in memory: the test plays main, reading call frames and answering. */
function memoryPort() {
  const calls: CallFrame[] = [];
  const fromMain = new Emitter<unknown>();
  let failure: Error | undefined;
  const port: FramePort = {
    post(frame) {
      if (failure) throw failure;
      calls.push(frame);
    },
    onFrame: (listener) => fromMain.subscribe(listener),
  };
  return {
    port,
    calls,
    fromMain,
    answer: (id: number, value: unknown) => fromMain.fire({ t: 'result', id, ok: true, value }),
    failWith: (error: Error) => (failure = error),
  };
}

afterEach(() => vi.restoreAllMocks());

const CONVERSATION_ID = fixedUuid(1);
const MESSAGE_ID = fixedUuid(2);
const summary = { id: CONVERSATION_ID, title: 'Hi', updatedAt: 1, messageCount: 2 };

describe('createRpcClient', () => {
  it('sends call frames with fresh ids and matches results by id, in any order', async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const stopped = client.call('stop', { conversationId: CONVERSATION_ID });
    const list = client.call('listConversations', {});
    expect(main.calls).toEqual([
      { t: 'call', id: 1, name: 'stop', args: { conversationId: CONVERSATION_ID } },
      { t: 'call', id: 2, name: 'listConversations', args: {} },
    ]);
    main.answer(2, [summary]);
    main.answer(1, { stopped: true });
    await expect(list).resolves.toEqual([summary]);
    await expect(stopped).resolves.toEqual({ stopped: true });
  });

  it("rejects with main's error code and message", async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const opened = client.call('openConversation', { id: CONVERSATION_ID });
    main.fromMain.fire({
      t: 'result',
      id: 1,
      ok: false,
      error: { code: 'not_found', message: 'no such conversation' },
    });
    await expect(opened).rejects.toEqual(new HearthCallError('not_found', 'no such conversation'));
  });

  it('rejects a reply that breaks the API, naming the command and the field', async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const stopped = client.call('stop', { conversationId: CONVERSATION_ID });
    main.answer(1, { stopped: 'yes' });
    await expect(stopped).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringMatching(/^stop: reply does not match the API \(stopped: /),
    });
  });

  it('settles a call whose result frame is malformed instead of leaving it waiting', async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const list = client.call('listConversations', {});
    main.fromMain.fire({ t: 'result', id: 1, ok: 'maybe' });
    await expect(list).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringMatching(/^listConversations: malformed reply/),
    });
  });

  it('delivers events that match the API and drops the others with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const events: HearthEvent[] = [];
    client.onEvent((event) => events.push(event));
    const good: HearthEvent = {
      type: 'tokens',
      conversationId: CONVERSATION_ID,
      messageId: MESSAGE_ID,
      text: 'Hi',
    };
    main.fromMain.fire({ t: 'event', event: { type: 'tokens', text: 'no ids' } });
    main.fromMain.fire({ t: 'gossip' });
    main.fromMain.fire({ t: 'event', event: good });
    expect(events).toEqual([good]);
    expect(warn.mock.calls.map((args) => String(args[0]))).toEqual([
      expect.stringMatching(/does not match the API: event\.conversationId: /),
      expect.stringMatching(/neither a result nor an event/),
    ]);
  });

  it('keeps delivering events to the others when one listener throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const seen: string[] = [];
    client.onEvent(() => {
      throw new Error('broken view');
    });
    const off = client.onEvent((event) => seen.push(event.type));
    main.fromMain.fire({
      t: 'event',
      event: { type: 'conversationDeleted', conversationId: CONVERSATION_ID },
    });
    off();
    main.fromMain.fire({
      t: 'event',
      event: { type: 'conversationDeleted', conversationId: CONVERSATION_ID },
    });
    expect(seen).toEqual(['conversationDeleted']);
    expect(error).toHaveBeenCalledTimes(2);
  });

  it("rejects at once with the port's error when a frame cannot be sent", async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    main.failWith(new HearthCallError('disconnected', 'Not connected to Hearth'));
    await expect(client.call('listConversations', {})).rejects.toMatchObject({
      code: 'disconnected',
    });
    main.failWith(new DOMException('An object could not be cloned.', 'DataCloneError'));
    await expect(client.call('listConversations', {})).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/could not be cloned/),
    });
    // A late result for a failed call changes nothing.
    main.answer(1, []);
  });

  it('fails the calls in flight when the link drops, and only those', async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const inFlight = client.call('listConversations', {});
    client.failPending('The connection to Hearth was lost');
    await expect(inFlight).rejects.toEqual(
      new HearthCallError('disconnected', 'The connection to Hearth was lost'),
    );
    const next = client.call('listConversations', {});
    main.answer(2, []);
    await expect(next).resolves.toEqual([]);
  });

  it('after dispose, fails calls in flight and later ones, and stops listening', async () => {
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const events: HearthEvent[] = [];
    client.onEvent((event) => events.push(event));
    const inFlight = client.call('listConversations', {});
    client.dispose();
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected' });
    await expect(client.call('listConversations', {})).rejects.toMatchObject({
      code: 'disconnected',
    });
    expect(main.fromMain.size).toBe(0);
    expect(main.calls).toHaveLength(1);
  });
});
