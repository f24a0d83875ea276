// A real Hearth (its own process, the fixture model at temperature 0) started
// with HEARTH_TLS=1, met by phones that trust its own certificate: pairing,
// answers, resume after a dropped link and the limits work as they do over
// http, and the plain-http door only points at https.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { askInNewConversation, sendOnce } from './conversing';
import { HearthUnderTest, httpGet, PHONE_ADDRESS, upgradeStatus } from './hearthUnderTest';
import type { CallError, PhoneClient } from './phoneClient';

let hearth: HearthUnderTest;
const clients: PhoneClient[] = [];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  hearth = await HearthUnderTest.start({ HEARTH_TLS: '1', HEARTH_MAX_TOKENS: '200' });
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await hearth?.close();
});

async function pairedPhone(): Promise<PhoneClient> {
  const phone = hearth.phone(await hearth.pair());
  clients.push(phone);
  return phone.connect();
}

describe('Hearth over https', () => {
  it('listens on https with its own certificate and hands out https pairing links with its fingerprint', async () => {
    expect(hearth.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(hearth.ca).toContain('BEGIN CERTIFICATE');
    const owner = await hearth.owner();
    clients.push(owner);
    const pairing = await owner.call('getPairing', {});
    expect(pairing.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/pair\?code=/);
    expect(pairing.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // Plain http on the same port only redirects; nothing is served in the clear.
    const plain = await httpGet(`${hearth.url.replace(/^https/, 'http')}/healthz`, {
      localAddress: PHONE_ADDRESS,
    });
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`${hearth.url}/healthz`);
    expect(await upgradeStatus(`${hearth.wsUrl.replace(/^wss/, 'ws')}`)).toBe(403);
  });

  it('pairs a phone over https, which then gets an answer over wss', async () => {
    const phone = await pairedPhone();
    expect(phone.role).toBe('device');
    const answer = await askInNewConversation(phone, 'Tell me a story about a cat.');
    expect(answer.status).toBe('complete');
    expect(answer.text.length).toBeGreaterThan(0);
    expect(phone.violations).toEqual([]);
  }, 60_000);

  it('resumes the same session after the link drops mid-answer, the answer whole', async () => {
    const reference = await askInNewConversation(await pairedPhone(), 'Tell me about the sun.');
    const phone = await pairedPhone();
    const conversation = await phone.call('newConversation', {});
    const messageId = await sendOnce(phone, conversation.id, 'Tell me about the sun.');
    while (!phone.view.streaming) await sleep(5);
    phone.cut();
    const answer = await phone.answer(messageId);
    expect(answer.text).toBe(reference.text);
    expect(phone.linksLost).toBeGreaterThanOrEqual(1);
    expect(phone.welcomes.slice(1).every((w) => w.resumed && w.sessionId === phone.sessionId)).toBe(
      true,
    );
    expect(phone.gapSnapshots).toBe(0);
    expect(phone.violations).toEqual([]);
  }, 60_000);

  it('refuses a phone a third answer while two are under way, as over http', async () => {
    const phone = await pairedPhone();
    const conversations = await Promise.all([1, 2, 3].map(() => phone.call('newConversation', {})));
    // Sent together, so the first two are still queued or streaming when the third comes.
    const sent = await Promise.allSettled(
      conversations.map((c, i) =>
        phone.call('sendPrompt', { conversationId: c.id, text: `Prompt ${i + 1}.` }),
      ),
    );
    expect(sent.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const refused = sent[2];
    expect(refused?.status === 'rejected' && (refused.reason as CallError).code).toBe('busy');
  }, 60_000);
});
