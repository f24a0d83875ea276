// A phone on a real (private) LAN: Hearth in one network namespace, Chromium in
// another, joined by a veth pair. Measured as a person with the page open would
// see it: the bytes the first visit costs over the wire (Chromium offers only
// gzip and deflate to a LAN address over plain HTTP), and, with the page
// visible, the time from the link coming back (ip link set up) to the page
// saying Connected again. Needs root; otherwise one line says why and no rows
// come out. Alone: node --import tsx bench/phoneLan.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { baseEnv, HearthProcess } from '../e2e/fixtures';
import { launchPhoneBrowser } from '../e2e/net/chromiumInNamespace';
import { NetnsPair, netnsSkipReason } from '../e2e/net/netns';
import { printedPairingUrl } from '../e2e/net/pairingLine';
import { percentile, printTable, type BenchRow } from './stats';

const ROUNDS = Number(process.env.BENCH_LAN_ROUNDS ?? 20);
const PORT = 8737;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The connection status as the page shows it. */
const status = (page: Page) => page.getByRole('status', { name: 'Connection' });

async function waitForStatus(page: Page, text: string, timeoutMs: number): Promise<void> {
  const handle = await status(page).elementHandle();
  await page.waitForFunction(
    ([element, wanted]) => (element as Element | null)?.textContent?.includes(wanted as string),
    [handle, text] as const,
    { polling: 'raf', timeout: timeoutMs },
  );
}

/** Cuts the phone off, waits until the page knows, restores, and times the way back. */
async function timeReconnects(
  page: Page,
  rounds: number,
  link: { cut(): void; restore(): void },
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    link.cut();
    await waitForStatus(page, 'Reconnecting', 15_000);
    await sleep(500 + Math.random() * 1500);
    link.restore();
    const restored = Date.now();
    await waitForStatus(page, 'Connected', 60_000);
    times.push(Date.now() - restored);
  }
  return times;
}

export async function phoneLanRows(rounds = ROUNDS): Promise<BenchRow[]> {
  const skip = netnsSkipReason();
  if (skip) {
    console.error(`bench: phone on a LAN skipped: ${skip}`);
    return [];
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-lan-'));
  const pair = NetnsPair.create();
  const [ip, prefix] = pair.argv('hearth', process.execPath);
  const hearth = new HearthProcess(
    { ...baseEnv(dataDir, PORT), HEARTH_HOST: '0.0.0.0', HEARTH_LOG_LEVEL: 'warn' },
    undefined,
    [ip, ...prefix.slice(0, -1)],
  );
  try {
    await hearth.start();
    const pairingUrl = await printedPairingUrl(hearth);
    const browser = await launchPhoneBrowser(pair);
    try {
      const phone = await browser.newPhone();
      const page = await phone.newPage();
      // Every byte of the first visit: the pairing redirect, the page and what it loads.
      let bytes = 0;
      page.on('requestfinished', (request) => {
        void request.sizes().then((sizes) => {
          bytes += sizes.responseBodySize + sizes.responseHeadersSize;
        });
      });
      await page.goto(pairingUrl, { waitUntil: 'networkidle' });
      await waitForStatus(page, 'Connected', 30_000);
      await sleep(500);
      page.removeAllListeners('requestfinished');

      // The phone's radio loses the network and finds it again: the browser hears
      // 'offline' and 'online'. Then the route alone goes and comes back, which
      // no browser event announces: only the backoff's next attempt finds it.
      const resumed = await timeReconnects(page, rounds, {
        cut: () => pair.down('phone'),
        restore: () => pair.up('phone'),
      });
      const silent = await timeReconnects(page, Math.ceil(rounds / 2), {
        cut: () => pair.unroute(),
        restore: () => pair.reroute(),
      });
      const p90 = percentile(resumed, 90);
      return [
        {
          name: 'phone first load over the LAN (Chromium, gzip offered), bytes on the wire',
          value: bytes / 1000,
          unit: 'kB',
          target: '<= 150 kB',
          pass: bytes <= 150_000,
        },
        {
          name: 'link restored → page Connected, page visible p50',
          value: percentile(resumed, 50),
          unit: 'ms',
        },
        {
          name: 'link restored → page Connected, page visible p90',
          value: p90,
          unit: 'ms',
          target: '<= 1000 ms',
          pass: p90 <= 1000,
          runs: resumed,
        },
        {
          name: 'link restored → page Connected, page visible p99',
          value: percentile(resumed, 99),
          unit: 'ms',
        },
        {
          name: 'route restored unannounced → page Connected (backoff) p50',
          value: percentile(silent, 50),
          unit: 'ms',
        },
        {
          name: 'route restored unannounced → page Connected (backoff) p90',
          value: percentile(silent, 90),
          unit: 'ms',
          runs: silent,
        },
      ];
    } finally {
      await browser.close();
    }
  } finally {
    await hearth.stop();
    await pair.remove();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await phoneLanRows());
