import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../shared/emitter';
import { HearthCallError } from '../../../shared/transport';
import type { ClientFrame } from '../../../shared/wire';
import { fixedUuid } from '../../../testing/ids';
import { createRpcClient, type FramePort } from './rpcClient';

/** A port in memory: the test plays main, reading call frames and answering. */
function memoryPort() {
  const calls: ClientFrame[] = [];
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

  it('leaves frames other than results to the session client, without a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const main = memoryPort();
    const client = createRpcClient(main.port);
    const list = client.call('listConversations', {});
    main.fromMain.fire({
      t: 'welcome',
      sessionId: 's',
      secret: 'x',
      resumed: false,
      role: 'owner',
    });
    main.fromMain.fire({ t: 'event', seq: 1, event: { type: 'conversationDeleted' } });
    main.fromMain.fire({ t: 'pong', id: 1 });
    main.answer(1, []);
    expect(warn).not.toHaveBeenCalled();
    return expect(list).resolves.toEqual([]);
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
