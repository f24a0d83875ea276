// One test's private LAN: a namespace pair, Hearth started inside its namespace
// on the veth address, a way in for the test as the owner (through Hearth's
// loopback, with the owner cookie its printed owner page gives), and Chromium
// as a phone inside the other namespace. Everything is removed afterwards, also
// when the test fails.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import type { CommandArgs, CommandName, CommandResult, Conversation } from '../../src/shared/api';
import { httpGet } from '../../src/testing/net/hearthUnderTest';
import { PhoneClient } from '../../src/testing/net/phoneClient';
import { baseEnv, HearthProcess, ownerCookieFrom } from '../fixtures';
import { launchPhoneBrowser, type PhoneBrowser } from './chromiumInNamespace';
import { bridgeInto, type Bridge } from './loopbackBridge';
import { NetnsPair, netnsSkipReason } from './netns';
import { printedPairingUrl } from './pairingLine';
import { sendPrompt, ui, waitUntilReady } from '../ui';

/** Inside its own namespace every port is free: Hearth keeps its default. */
const PORT = 8737;

export interface Lan {
  pair: NetnsPair;
  /** The settings Hearth runs with (for rawAnswer, which must use the same). */
  env: Record<string, string>;
  hearth: HearthProcess;
  /** http(s)://<hearth veth address>:<port>: what a phone on the LAN opens. */
  lanUrl: string;
  /** With HEARTH_TLS=1: Hearth's own certificate, which the owner's way in trusts. */
  ca?: string;
  /** The URL the server printed on its `Pair a device:` line. */
  pairingUrl: string;
  /** http://127.0.0.1:<port> that reaches Hearth's loopback: the test's way in. */
  owner: Bridge;
  /** One call as the owner (with the owner cookie), over that way in. */
  ownerCall<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  phones: PhoneBrowser;
  /** A new phone (its own cookies) in the phone namespace; `permissions` it has granted. */
  newPhone(permissions?: string[]): Promise<BrowserContext>;
}

export const skipReason = netnsSkipReason();

export const test = base.extend<{
  lan: Lan;
  hearthEnv: Record<string, string>;
  phoneArgs: string[];
}>({
  /** Settings a test adds to Hearth's (test.use({ hearthEnv: {...} })). */
  hearthEnv: [{}, { option: true }],
  /** Chromium switches the phones' browser adds (test.use({ phoneArgs: [...] })). */
  phoneArgs: [[], { option: true }],
  lan: async ({ hearthEnv, phoneArgs }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-lan-data-'));
    const pair = NetnsPair.create();
    let hearth: HearthProcess | undefined;
    let owner: Bridge | undefined;
    let phones: PhoneBrowser | undefined;
    try {
      const [ip, prefix] = pair.argv('hearth', process.execPath);
      // On every address of its namespace: the veth (the LAN) and loopback (the owner).
      const env = { ...baseEnv(dataDir, PORT), HEARTH_HOST: '0.0.0.0', ...hearthEnv };
      hearth = new HearthProcess(
        env,
        undefined,
        // argv() ends with the node binary, which HearthProcess adds itself.
        [ip, ...prefix.slice(0, -1)],
      );
      await hearth.start();
      owner = await bridgeInto(pair, 'hearth', PORT);
      phones = await launchPhoneBrowser(pair, phoneArgs);
      const running = hearth;
      const browser = phones;
      const way = owner;
      // The printed owner page is on Hearth's own loopback; opened through the bridge.
      const printed = new URL(running.ownerUrl);
      // Over https the bridge carries TLS; the certificate names 127.0.0.1, so it is trusted as is.
      const secure = printed.protocol === 'https:';
      const scheme = secure ? 'https' : 'http';
      const ca = secure ? certificateOf(dataDir) : undefined;
      const wayIn = way.url.replace(/^http/, scheme);
      const ownerCookie = secure
        ? await tlsOwnerCookie(`${wayIn}${printed.pathname}${printed.search}`, ca)
        : await ownerCookieFrom(`${way.url}${printed.pathname}${printed.search}`);
      await use({
        pair,
        env,
        hearth: running,
        lanUrl: `${scheme}://${pair.hearth.address}:${PORT}`,
        ca,
        pairingUrl: await printedPairingUrl(running),
        owner,
        ownerCall: async (name, args) => {
          const client = new PhoneClient({
            url: `${wayIn.replace(/^http/, 'ws')}/ws`,
            cookie: ownerCookie,
            ca,
            reconnect: false,
          });
          try {
            await client.connect();
            return await client.call(name, args);
          } finally {
            await client.close();
          }
        },
        phones: browser,
        // A phone that accepted Hearth's own certificate, as after the warning.
        newPhone: (permissions) =>
          browser.newPhone({ ...(secure ? { ignoreHTTPSErrors: true } : {}), permissions }),
      });
    } finally {
      await phones?.close().catch(() => {});
      await owner?.close().catch(() => {});
      await hearth?.stop().catch(() => {});
      if (hearth && testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server.log', {
          body: hearth.output.join('\n'),
          contentType: 'text/plain',
        });
      }
      await pair.remove();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

/** Hearth's own certificate from its data directory (HEARTH_TLS=1). */
function certificateOf(dataDir: string): string | undefined {
  const pem = readFileSync(join(dataDir, 'tls', 'hearth.pem'), 'utf8');
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
}

/** The owner page opened over https, trusting `ca`: the Cookie header it set. */
async function tlsOwnerCookie(url: string, ca: string | undefined): Promise<string> {
  const answer = await httpGet(url, { ca });
  const cookie = [answer.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('hearth_owner='));
  if (answer.status !== 303 || !cookie) {
    throw new Error(`the owner page answered ${answer.status}: ${answer.body}`);
  }
  return cookie.split(';')[0] ?? '';
}

/** The conversation the owner touched last, read over the owner's way in. */
export async function latestConversation(lan: Lan): Promise<Conversation | undefined> {
  const list = await lan.ownerCall('listConversations', {});
  const latest = [...list].sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!latest) return undefined;
  return lan.ownerCall('openConversation', { id: latest.id });
}

/** Reads the latest conversation's stored messages each time it is called (for polling). */
export const messagesOf = (lan: Lan) => async () => (await latestConversation(lan))?.messages ?? [];

/** A new phone paired through the printed URL, with the page open and ready. */
export async function pairedPhone(lan: Lan): Promise<Page> {
  const phone = await lan.newPhone();
  const page = await phone.newPage();
  await page.goto(lan.pairingUrl);
  await waitUntilReady(page);
  return page;
}

/**
 * A paired phone that sent `prompt` and lost its link (taken down, a black
 * hole) once the answer began: Hearth is still writing it, the page says
 * Reconnecting.
 */
export async function phoneCutMidAnswer(lan: Lan, prompt: string): Promise<Page> {
  const page = await pairedPhone(lan);
  const view = ui(page);
  await sendPrompt(page, prompt);
  await expect(view.answers.last()).not.toBeEmpty();
  lan.pair.down('phone');
  expect((await messagesOf(lan)()).at(-1)?.status, 'cut mid-answer').toBe('streaming');
  // The heartbeat notices within 5 s.
  await expect(view.connection).toContainText('Reconnecting', { timeout: 8_000 });
  return page;
}

export { expect };
