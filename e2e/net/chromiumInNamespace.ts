// Chromium as the phone, inside the phone's namespace. Playwright starts the
// browser through an executable it is given and drives it over a pipe (inherited
// file descriptors, not the network), so a wrapper that enters the namespace
// and then becomes Chromium is all it takes.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, devices, type Browser, type BrowserContext } from '@playwright/test';
import type { NetnsPair } from './netns';

const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';

/** A phone: the viewport of a common handset, touch, and a mobile user agent. */
export const phoneContext = {
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  deviceScaleFactor: 2,
  userAgent: devices['Pixel 7']?.userAgent,
} as const;

export interface PhoneBrowser extends AsyncDisposable {
  readonly browser: Browser;
  /** A fresh phone (its own cookies): one per test, or two to compare a paired and an unpaired one. */
  newPhone(options?: {
    ignoreHTTPSErrors?: boolean;
    permissions?: string[];
  }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** `extraArgs`: more Chromium switches, e.g. a fake microphone playing a file. */
export async function launchPhoneBrowser(
  pair: NetnsPair,
  extraArgs: readonly string[] = [],
): Promise<PhoneBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-phone-'));
  const wrapper = join(dir, 'chromium-in-phone-namespace');
  const [ip, prefix] = pair.argv('phone', CHROMIUM);
  const quoted = [ip, ...prefix].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quoted} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browser = await chromium.launch({
    executablePath: wrapper,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      ...extraArgs,
    ],
  });
  const close = async (): Promise<void> => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    browser,
    newPhone: (options = {}) => browser.newContext({ ...phoneContext, ...options }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
