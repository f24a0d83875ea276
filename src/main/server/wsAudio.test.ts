// Audio frames over real loopback WebSockets, through WsApi and the production
// client limits: a binary message is an audio frame, heard byte for byte; a
// socket flooding audio is closed (1008) while another phone is still answered.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAudioFrame } from '../../shared/audio';
import type { ResultFrame } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { startWsHarness, TestClient } from '../../testing/wsTestClient';
import { wholeUtterances, type UtteranceEnd } from '../contracts/speech';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function harness() {
  const heard: { clientKey: string; pcm: Int16Array; why: UtteranceEnd }[] = [];
  const fake = createTestHearth({
    speech: wholeUtterances(({ clientKey }, pcm, why) => heard.push({ clientKey, pcm, why })),
  });
  cleanup.push(() => fake.hearth.dispose());
  const ws = await startWsHarness(fake.hearth, fake.logger);
  cleanup.push(() => ws.close());
  const open = async (device: string) => {
    const client = await TestClient.open(ws.url, { device });
    cleanup.push(() => client.socket.terminate());
    await client.snapshot();
    return client;
  };
  return { heard, open, fake };
}

const pcm = (n: number) => Int16Array.from({ length: 1600 }, (_, i) => (n * 1000 + i) % 32768);
const frame = (utterance: number, flags: { start?: boolean; end?: boolean }, samples: Int16Array) =>
  Buffer.from(
    encodeAudioFrame({ utterance, start: !!flags.start, end: !!flags.end, pcm: samples }),
  );

describe('audio frames over WebSocket', () => {
  it('carries a binary message as an audio frame: the port hears the samples byte for byte', async () => {
    const { heard, open } = await harness();
    const phone = await open(fixedUuid(101));
    phone.sendRaw(frame(1, { start: true }, pcm(1)));
    phone.sendRaw(frame(1, {}, pcm(2)));
    phone.sendRaw(frame(1, { end: true }, new Int16Array()));
    // A round trip after the audio: everything before it was handled.
    expect(await phone.call('listConversations')).toMatchObject({ ok: true });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ clientKey: `device:${fixedUuid(101)}`, why: 'ended' });
    expect([...(heard[0]?.pcm ?? [])]).toEqual([...pcm(1), ...pcm(2)]);
    // Audio without a started utterance is refused like a bad frame; the socket stays open.
    phone.sendRaw(frame(2, {}, pcm(3)));
    const refusal = await phone.next((f): f is ResultFrame => f.t === 'result' && !f.ok);
    expect(refusal).toMatchObject({
      error: { code: 'bad_request', message: expect.stringMatching(/not open/) as string },
    });
    expect(await phone.call('listConversations')).toMatchObject({ ok: true });
  });

  it('closes a socket that floods audio frames (1008); another phone is still answered', async () => {
    const { heard, open, fake } = await harness();
    const flooder = await open(fixedUuid(101));
    const other = await open(fixedUuid(102));
    flooder.sendRaw(frame(1, { start: true }, pcm(1)));
    for (let i = 0; i < 400; i++) flooder.sendRaw(frame(1, {}, pcm(i)));
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'too many messages' });
    expect(await other.call('listConversations')).toMatchObject({ ok: true });
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    // The flooder's open utterance went with its connection, unheard.
    expect(heard).toEqual([]);
    expect(fake.logger.entries.some((e) => e.eventType === 'utterance_dropped')).toBe(true);
  });
});
