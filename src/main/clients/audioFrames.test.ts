// Audio frames through the real connection and client, on memory links, under
// the production limits (nothing is passed, so the defaults hold; the numbers
// are written out on purpose so changing a default fails here): the SpeechPort
// hears exactly what was sent, once per utterance; bad, surplus and stray
// frames are refused like any bad frame, and a flood cuts only its connection.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAudioFrame, type AudioFrame } from '../../shared/audio';
import { NO_CALL_ID } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { ManualScheduler } from '../../testing/manualScheduler';
import { serveMemoryConnection } from '../../testing/memoryConnection';
import { settle } from '../../testing/memoryLinks';
import { wholeUtterances, type UtteranceEnd } from '../contracts/speech';
import type { Principal } from './principal';

const PHONE: Principal = { role: 'device', deviceId: fixedUuid(101) };
const OTHER_PHONE: Principal = { role: 'device', deviceId: fixedUuid(102) };

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

interface Heard {
  clientKey: string;
  pcm: Int16Array;
  why: UtteranceEnd;
}

/** 100 ms of a recognisable signal: sample i of frame n. */
const chunk = (n: number, samples = 1600): Int16Array =>
  Int16Array.from({ length: samples }, (_, i) => ((n * 7919 + i * 31) % 65536) - 32768);

function setup() {
  const clock = new ManualScheduler();
  const heard: Heard[] = [];
  const fake = createTestHearth({
    scheduler: clock,
    speech: wholeUtterances(({ clientKey }, pcm, why) => heard.push({ clientKey, pcm, why })),
  });
  cleanup.push(() => fake.hearth.dispose());
  const connect = (principal: Principal = PHONE, hello = true) => {
    const served = serveMemoryConnection(fake, principal, clock);
    cleanup.push(() => served.dispose());
    const sendAudio = (frame: Partial<AudioFrame> & { pcm: Int16Array }) =>
      served.sendBytes(encodeAudioFrame({ utterance: 1, start: false, end: false, ...frame }));
    const refusals = () =>
      served.posted.flatMap((f) =>
        f.t === 'result' && !f.ok ? [[f.error.code, f.error.message]] : [],
      );
    if (hello) served.send({ t: 'hello' });
    return { ...served, sendAudio, refusals };
  };
  return { clock, fake, heard, connect };
}

/** The samples of several chunks, one after the other. */
const joined = (chunks: Int16Array[]): number[] => chunks.flatMap((c) => [...c]);

describe('audio frames on a connection', () => {
  it('hands the SpeechPort exactly the samples sent, once per utterance, keyed by the client', () => {
    const { heard, connect } = setup();
    const phone = connect();
    const sent = [chunk(1), chunk(2, 7), chunk(3)];
    phone.sendAudio({ utterance: 9, start: true, pcm: sent[0] ?? chunk(0) });
    phone.sendAudio({ utterance: 9, pcm: sent[1] ?? chunk(0) });
    phone.sendAudio({ utterance: 9, pcm: sent[2] ?? chunk(0) });
    expect(heard).toEqual([]);
    phone.sendAudio({ utterance: 9, end: true, pcm: new Int16Array() });
    expect(heard).toHaveLength(1);
    expect(heard[0]?.why).toBe('ended');
    expect(heard[0]?.clientKey).toBe(`device:${fixedUuid(101)}`);
    expect([...(heard[0]?.pcm ?? [])]).toEqual(joined(sent));
    // A second utterance, in a single frame, is its own.
    phone.sendAudio({ utterance: 10, start: true, end: true, pcm: chunk(4, 3) });
    expect(heard).toHaveLength(2);
    expect([...(heard[1]?.pcm ?? [])]).toEqual([...chunk(4, 3)]);
    expect(phone.refusals()).toEqual([]);
  });

  it('refuses audio with no utterance open, for another utterance, or before hello', () => {
    const { heard, connect } = setup();
    const phone = connect();
    phone.sendAudio({ utterance: 1, pcm: chunk(1) });
    phone.sendAudio({ utterance: 1, end: true, pcm: chunk(1) });
    phone.sendAudio({ utterance: 2, start: true, pcm: chunk(2) });
    phone.sendAudio({ utterance: 3, pcm: chunk(3) });
    const stranger = connect(OTHER_PHONE, false);
    stranger.sendAudio({ utterance: 1, start: true, pcm: chunk(1) });
    expect(phone.refusals()).toEqual([
      ['bad_request', expect.stringMatching(/utterance 1, which is not open/)],
      ['bad_request', expect.stringMatching(/utterance 1, which is not open/)],
      ['bad_request', expect.stringMatching(/utterance 3, which is not open/)],
    ]);
    expect(stranger.refusals()).toEqual([
      ['bad_request', expect.stringMatching(/send hello first/)],
    ]);
    expect(phone.posted.filter((f) => f.t === 'result').every((f) => f.id === NO_CALL_ID)).toBe(
      true,
    );
    // Utterance 2 is untouched by the stray frames, and still ends whole.
    phone.sendAudio({ utterance: 2, end: true, pcm: chunk(5) });
    expect(heard.map((h) => [h.why, ...h.pcm])).toEqual([
      ['ended', ...joined([chunk(2), chunk(5)])],
    ]);
  });

  it('keeps one utterance open per client: a second start is refused and the first goes on', () => {
    const { heard, connect } = setup();
    const phone = connect();
    phone.sendAudio({ utterance: 1, start: true, pcm: chunk(1) });
    phone.sendAudio({ utterance: 2, start: true, pcm: chunk(2) });
    phone.sendAudio({ utterance: 1, start: true, pcm: chunk(3) });
    expect(phone.refusals()).toEqual([
      ['bad_request', 'utterance 1 is still open: end it before starting another'],
      ['bad_request', 'utterance 1 is still open: end it before starting another'],
    ]);
    phone.sendAudio({ utterance: 1, end: true, pcm: chunk(4) });
    expect(heard.map((h) => [...h.pcm])).toEqual([joined([chunk(1), chunk(4)])]);
  });

  it('refuses malformed and oversized frames, naming the fault, and keeps serving', () => {
    const { heard, connect } = setup();
    const phone = connect();
    const good = encodeAudioFrame({ utterance: 1, start: true, end: false, pcm: chunk(1) });
    expect(good.length).toBe(3208);
    const tooBig = new Uint8Array(3209);
    tooBig.set(good);
    const badKind = good.slice();
    badKind[0] = 0x7b;
    phone.sendBytes(tooBig);
    phone.sendBytes(badKind);
    phone.sendBytes(good.subarray(0, 5));
    phone.sendBytes(good.subarray(0, 3207));
    expect(phone.refusals()).toEqual([
      ['bad_request', 'audio frame of 3209 bytes is over the 3208 a frame may hold'],
      ['bad_request', expect.stringMatching(/kind byte 0x7b/)],
      ['bad_request', expect.stringMatching(/shorter than its 8-byte header/)],
      ['bad_request', expect.stringMatching(/must be even/)],
    ]);
    phone.sendBytes(good);
    phone.sendAudio({ utterance: 1, end: true, pcm: new Int16Array() });
    expect(heard.map((h) => [...h.pcm])).toEqual([[...chunk(1)]]);
    phone.send({ t: 'ping', id: 1 });
    expect(phone.posted.at(-1)).toEqual({ t: 'pong', id: 1 });
  });

  it('takes 20 audio frames at once, then 20 a second, on a rate of their own', () => {
    const { clock, heard, connect } = setup();
    const phone = connect();
    phone.sendAudio({ utterance: 1, start: true, pcm: chunk(0) });
    for (let i = 1; i < 20; i++) phone.sendAudio({ utterance: 1, pcm: chunk(i) });
    expect(phone.refusals()).toEqual([]);
    // Over the audio rate: refused before it is decoded (this one would not decode).
    phone.sendBytes(Uint8Array.of(1, 2, 3));
    phone.sendAudio({ utterance: 1, pcm: chunk(99) });
    expect(phone.refusals()).toEqual([
      ['rate_limited', 'Too much audio: at most 20 audio frames a second'],
      ['rate_limited', 'Too much audio: at most 20 audio frames a second'],
    ]);
    // Text frames have their own bucket, still full.
    phone.send({ t: 'ping', id: 1 });
    expect(phone.posted.at(-1)).toEqual({ t: 'pong', id: 1 });
    clock.advance(49);
    phone.sendAudio({ utterance: 1, pcm: chunk(98) });
    expect(phone.refusals()).toHaveLength(3);
    clock.advance(1); // 50 ms is one frame at 20 a second
    phone.sendAudio({ utterance: 1, end: true, pcm: chunk(20) });
    expect(phone.refusals()).toHaveLength(3);
    // What was refused is not in the utterance.
    expect([...(heard[0]?.pcm ?? [])]).toEqual(
      joined(Array.from({ length: 21 }, (_, i) => chunk(i))),
    );
  });

  it('cuts an utterance at 30 s: the port hears 30 s once, the client is told, the rest is dropped', () => {
    const { clock, fake, heard, connect } = setup();
    const phone = connect();
    const sent: Int16Array[] = [];
    // 30.5 s in 100 ms frames, paced at 10 a second as a microphone sends them.
    for (let i = 0; i < 305; i++) {
      sent.push(chunk(i));
      phone.sendAudio({ utterance: 4, start: i === 0, pcm: chunk(i) });
      clock.advance(100);
    }
    phone.sendAudio({ utterance: 4, end: true, pcm: chunk(999) });
    expect(heard).toHaveLength(1);
    expect(heard[0]?.why).toBe('cut');
    expect(heard[0]?.pcm.length).toBe(30 * 16_000);
    expect([...(heard[0]?.pcm ?? [])]).toEqual(joined(sent.slice(0, 300)));
    expect(phone.refusals()).toEqual([
      ['bad_request', expect.stringMatching(/utterance 4 was cut at 30 s/)],
    ]);
    expect(fake.logger.entries.find((e) => e.eventType === 'utterance_cut')?.context).toMatchObject(
      {
        durationMs: 30_000,
      },
    );
    // After the cut utterance's end, a new one is heard as usual.
    phone.sendAudio({ utterance: 5, start: true, end: true, pcm: chunk(1) });
    expect(heard.map((h) => h.why)).toEqual(['cut', 'ended']);
    phone.sendAudio({ utterance: 4, pcm: chunk(1) });
    expect(phone.refusals().at(-1)?.[1]).toMatch(/utterance 4, which is not open/);
  });

  it('drops an utterance whose connection closed, handing nothing over', () => {
    const { heard, fake, connect } = setup();
    const phone = connect();
    phone.sendAudio({ utterance: 1, start: true, pcm: chunk(1) });
    phone.dispose();
    expect(
      fake.logger.entries.find((e) => e.eventType === 'utterance_dropped')?.context,
    ).toMatchObject({ reason: 'link_closed', durationMs: 100 });
    const again = connect();
    again.sendAudio({ utterance: 1, end: true, pcm: chunk(2) });
    expect(heard).toEqual([]);
  });

  it('cuts off an audio flood after 100 refusals; other clients are still answered', async () => {
    const { fake, connect } = setup();
    const flooder = connect();
    const other = connect(OTHER_PHONE);
    const frame = encodeAudioFrame({ utterance: 1, start: false, end: false, pcm: chunk(1) });
    for (let i = 0; i < 20 + 100; i++) flooder.sendBytes(frame);
    expect(flooder.closed).toEqual([]);
    flooder.sendBytes(frame);
    flooder.sendBytes(frame);
    expect(flooder.closed).toEqual(['flooding']);
    expect(fake.logger.entries.filter((e) => e.eventType === 'ws_flood')).toHaveLength(1);
    other.send({ t: 'call', id: 7, name: 'listConversations', args: {} });
    await settle();
    expect(other.posted.find((f) => f.t === 'result' && f.id === 7)).toMatchObject({ ok: true });
    expect(other.closed).toEqual([]);
  });
});
