// Who is sent what: a client streams only the conversation it has open, owner
// events reach only the owner, and a phone never reads a path of this machine.
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent, Message } from '../../shared/api';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { memoryLink, settle } from '../../testing/memoryLinks';
import { eventForRole, isSentTo } from './focus';
import type { Principal } from './principal';

const PHONE: Principal = { role: 'device', deviceId: fixedUuid(101) };
const OWNER: Principal = { role: 'owner' };
const A = fixedUuid(1);
const B = fixedUuid(2);
const MESSAGE = fixedUuid(3);

const streamed = (conversationId: string, text: string): HearthEvent => ({
  type: 'tokens',
  conversationId,
  messageId: MESSAGE,
  text,
});

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup() {
  const fake = createTestHearth();
  disposers.push(() => fake.hearth.dispose());
  const open = async (who: Principal) => {
    const wire = memoryLink();
    const session = fake.hearth.clients.open({ t: 'hello' }, who, wire.link);
    await settle();
    if (!session) throw new Error('no session');
    return { wire, session };
  };
  return { fake, open };
}

describe('isSentTo', () => {
  it('sends tokens, queue notices and messages only for the open conversation', () => {
    const message = { type: 'message', conversationId: A } as HearthEvent;
    const queue = { type: 'queue', conversationId: A, messageId: MESSAGE, position: 1 } as const;
    for (const event of [streamed(A, 'x'), message, queue]) {
      expect(isSentTo(event, 'device', A)).toBe(true);
      expect(isSentTo(event, 'device', B)).toBe(false);
      expect(isSentTo(event, 'owner', undefined)).toBe(false);
    }
  });

  it('sends summaries, deletions and machine state to every client, owner events to the owner only', () => {
    const everyone: HearthEvent[] = [
      { type: 'conversations', conversations: [] },
      { type: 'conversationDeleted', conversationId: A },
      { type: 'thermalReading', reading: { time: 1, temperatureC: 50 } },
    ];
    for (const event of everyone) expect(isSentTo(event, 'device', B)).toBe(true);
    const pairing: HearthEvent = {
      type: 'pairing',
      pairing: { url: 'http://x/pair?code=c', expiresAt: 1, reachable: true },
    };
    const devices: HearthEvent = { type: 'devices', devices: [] };
    const download: HearthEvent = {
      type: 'modelDownload',
      download: {
        state: 'downloading',
        model: 'Qwen2.5 0.5B Instruct',
        bytes: 1,
        total: 2,
        bytesPerSecond: 1,
        secondsLeft: 1,
      },
    };
    // Settings carry the data folder, the model's path and whether a PIN is set.
    const settings: HearthEvent = {
      type: 'settings',
      settings: {
        systemPrompt: 'p',
        thermalTriggerC: 85,
        thermalResumeC: 80,
        theme: 'system',
        kioskPinSet: true,
        tls: false,
        conversationMemoryMb: 512,
        conversationMemoryUsedBytes: 0,
        voiceRate: 1,
        handsFreeQuietSec: 8,
        voiceRecognizer: 'auto',
        voiceVoice: 'auto',
        environmentOverrides: [],
        about: {
          version: '1',
          dataDir: '/home/pi/.local/share/hearth',
          configFile: '/home/pi/.local/share/hearth/config.json',
          modelsDir: '/home/pi/.local/share/hearth/models',
          logs: 'journal',
        },
      },
    };
    for (const event of [pairing, devices, download, settings]) {
      expect(isSentTo(event, 'device', undefined)).toBe(false);
      expect(isSentTo(event, 'owner', undefined)).toBe(true);
    }
  });
});

describe('eventForRole', () => {
  it('strips absolute paths from what a phone reads, and leaves the owner the whole text', () => {
    const model: HearthEvent = {
      type: 'model',
      model: { state: 'error', error: 'cannot open /home/pi/.local/share/hearth/models/q.gguf' },
    };
    expect(eventForRole(model, 'device')).toEqual({
      type: 'model',
      model: { state: 'error', error: 'cannot open q.gguf' },
    });
    expect(eventForRole(model, 'owner')).toBe(model);
    const failed: Message = {
      id: MESSAGE,
      role: 'assistant',
      text: '',
      status: 'error',
      createdAt: 1,
      error: 'worker died in /opt/hearth/out/main/worker.js',
    };
    const message: HearthEvent = { type: 'message', conversationId: A, message: failed };
    expect(eventForRole(message, 'device')).toMatchObject({
      message: { error: 'worker died in worker.js' },
    });
    const plain = streamed(A, 'see /etc/passwd');
    // Answer text is the model's words, not an error: left alone.
    expect(eventForRole(plain, 'device')).toBe(plain);
  });
});

describe('sessions and focus', () => {
  it('streams to each client only the conversation it opened, and summaries of all', async () => {
    const { fake, open } = await setup();
    const reader = await open(PHONE);
    const other = await open(OWNER);
    const ctx = { clientId: 'x', role: 'owner' as const };
    const a = await fake.hearth.handlers.newConversation({}, ctx);
    const b = await fake.hearth.handlers.newConversation({}, ctx);
    await reader.session.call({ t: 'call', id: 1, name: 'openConversation', args: { id: a.id } });
    await other.session.call({ t: 'call', id: 1, name: 'openConversation', args: { id: b.id } });
    fake.events.fire(streamed(a.id, 'for A'));
    fake.events.fire(streamed(b.id, 'for B'));
    fake.events.fire({ type: 'conversations', conversations: [] });
    fake.events.fire({ type: 'conversationDeleted', conversationId: b.id });
    const typesAndText = (events: HearthEvent[]) =>
      events.map((e) => (e.type === 'tokens' ? e.text : e.type));
    expect(typesAndText(reader.wire.eventPayloads())).toEqual([
      'for A',
      'conversations',
      'conversationDeleted',
    ]);
    expect(typesAndText(other.wire.eventPayloads())).toEqual([
      'for B',
      'conversations',
      'conversationDeleted',
    ]);
    // Sequence numbers count what each client was sent, with no holes.
    expect(reader.wire.events().map((f) => f.seq)).toEqual([1, 2, 3]);
  });

  it("moves the focus as a prompt is sent, so the prompt's own messages reach its sender", async () => {
    const { fake, open } = await setup();
    const phone = await open(PHONE);
    const a = await fake.hearth.handlers.newConversation({}, { clientId: 'x', role: 'owner' });
    // The handler tells clients about the prompt before it returns.
    const original = fake.hearth.handlers.sendPrompt;
    fake.hearth.handlers.sendPrompt = async (args, ctx) => {
      fake.events.fire(streamed(args.conversationId, 'before the result'));
      return original(args, ctx);
    };
    const sent = await phone.session.call({
      t: 'call',
      id: 1,
      name: 'sendPrompt',
      args: { conversationId: a.id, text: 'hi' },
    });
    expect(sent.ok).toBe(true);
    expect(phone.session.focus).toBe(a.id);
    const [first, ...own] = phone.wire.eventPayloads();
    expect(first).toEqual(streamed(a.id, 'before the result'));
    expect(
      own.map((e) => (e.type === 'message' ? [e.message.role, e.conversationId] : e.type)),
    ).toEqual([
      ['user', a.id],
      ['assistant', a.id],
    ]);
  });

  it('puts the open conversation in a snapshot sent after a gap', async () => {
    const { fake } = await setup();
    const ctx = { clientId: 'x', role: 'owner' as const };
    const a = await fake.hearth.handlers.newConversation({}, ctx);
    const wire = memoryLink();
    const { clients: sessions } = fake.hearth;
    const session = sessions.open({ t: 'hello' }, PHONE, wire.link);
    if (!session) throw new Error('no session');
    await session.call({ t: 'call', id: 1, name: 'openConversation', args: { id: a.id } });
    sessions.detach(session, wire.link);
    const back = memoryLink();
    const secret = wire.welcome().secret;
    // lastSeq 7 was never sent: the outbox cannot serve it.
    sessions.open(
      { t: 'hello', resume: { sessionId: session.id, secret, lastSeq: 7 } },
      PHONE,
      back.link,
    );
    await settle();
    expect(back.snapshots()[0]?.open?.id).toBe(a.id);
  });

  it('sends owner events to owner sessions only', async () => {
    const { fake, open } = await setup();
    const phone = await open(PHONE);
    const owner = await open(OWNER);
    fake.events.fire({ type: 'devices', devices: [] });
    expect(phone.wire.events()).toEqual([]);
    expect(owner.wire.eventPayloads()).toEqual([{ type: 'devices', devices: [] }]);
  });

  it('refuses owner commands from a phone with forbidden, and runs them for the owner', async () => {
    const { open } = await setup();
    const phone = await open(PHONE);
    const owner = await open(OWNER);
    for (const name of ['getPairing', 'listDevices', 'stopCoolingCheck'] as const) {
      expect(await phone.session.call({ t: 'call', id: 1, name, args: {} })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect((await owner.session.call({ t: 'call', id: 1, name, args: {} })).ok).toBe(true);
    }
  });
});
