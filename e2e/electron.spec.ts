// The kiosk, end to end: Playwright launches the real Electron app on the built
// output and holds a short conversation. Runs wherever the Electron runtime is
// installed (a laptop, a Pi); elsewhere it reports itself skipped in one line.
import { _electron as electron, type ElectronApplication } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation, ConversationSummary } from '../src/shared/api';
import type { HearthBridge } from '../src/shared/transport';
import { electronExecutable } from './electronRuntime';
import { assertBuilt, baseEnv, expect, fixtureModel, repoRoot, test } from './fixtures';
import { sendPrompt, textOf, ui, waitForAnswer, waitUntilReady } from './ui';

const executablePath = electronExecutable(repoRoot);

type CallHearth = (name: string, args: unknown) => Promise<{ ok: boolean; value?: unknown }>;

const skipReason =
  'Electron runtime not installed: node_modules/electron has no path.txt or dist binary (install without ELECTRON_SKIP_BINARY_DOWNLOAD to run the kiosk test)';
test.skip(!executablePath, skipReason); // the one skip: no Electron runtime on this machine

// The title carries the reason, so the reporter's one "skipped" line explains itself.
const title = executablePath
  ? 'the kiosk launches locked down and converses'
  : `the kiosk launches and converses: skipped, ${skipReason}`;

test(title, async () => {
  assertBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-electron-'));
  let app: ElectronApplication | undefined;
  try {
    app = await electron.launch({
      executablePath: executablePath ?? undefined,
      // Chromium refuses its sandbox as root (containers, CI); a Pi runs as a user.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), repoRoot],
      cwd: repoRoot,
      env: {
        ...(process.env as Record<string, string>),
        ...baseEnv(dataDir, 0),
        HEARTH_MODEL: fixtureModel,
        HEARTH_WINDOWED: '1',
      },
    });
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');

    // The page comes from the app's own origin, never file://, and its CSP arrives as a
    // header: frame-ancestors is ignored in a <meta> policy, so finding it proves the header.
    expect(page.url()).toBe('app://hearth/index.html');
    const csp = await page.evaluate(async () =>
      (await fetch(location.href)).headers.get('content-security-policy'),
    );
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");

    // The security checklist, as the page sees it.
    const surface = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      const hearth = g.hearth as Record<string, unknown> | undefined;
      return {
        bridge: hearth ? Object.keys(hearth).sort() : null,
        require: typeof g.require,
        process: typeof g.process,
        ipc: typeof g.ipcRenderer,
        popup: window.open('https://example.com/') === null,
      };
    });
    expect(surface).toEqual({
      bridge: ['onFrame', 'post'],
      require: 'undefined',
      process: 'undefined',
      ipc: 'undefined',
      popup: true,
    });
    const shape = await app.evaluate(({ BrowserWindow, Menu }) => {
      const windows = BrowserWindow.getAllWindows();
      return {
        windows: windows.length,
        kiosk: windows[0]?.isKiosk(),
        // No application menu: Ctrl+R, Ctrl+Q and the DevTools keys have nothing to trigger.
        menu: Menu.getApplicationMenu(),
      };
    });
    expect(shape).toEqual({ windows: 1, kiosk: false, menu: null }); // HEARTH_WINDOWED=1

    // Navigation away from the app is refused, to the web and to the disk alike.
    const before = page.url();
    for (const target of ['https://example.com/', 'file:///etc/passwd']) {
      await page.evaluate((url) => {
        window.location.href = url;
      }, target);
      await page.waitForTimeout(500);
      expect(page.url(), target).toBe(before);
    }

    // And it converses, through the preload bridge.
    await waitUntilReady(page);
    const view = ui(page);
    await sendPrompt(page, 'Tell me a story about a dog.');
    await expect(view.answers).toHaveCount(1);
    // The bridge is a message port: a call frame goes out, its result frame comes back.
    await page.evaluate(() => {
      const bridge = (globalThis as unknown as { hearth: HearthBridge }).hearth;
      let nextId = 1_000_000; // far from the ids of the app's own calls
      const callHearth: CallHearth = (name, args) =>
        new Promise((resolve) => {
          const id = nextId++;
          const off = bridge.onFrame((frame) => {
            const result = frame as { t?: string; id?: number; ok: boolean; value?: unknown };
            if (result.t !== 'result' || result.id !== id) return;
            off();
            resolve(result);
          });
          bridge.post({ t: 'call', id, name, args });
        });
      (globalThis as unknown as { callHearth: CallHearth }).callHearth = callHearth;
    });
    await waitForAnswer(page, async () => {
      const outcome = (await page.evaluate(() => {
        const { callHearth } = globalThis as unknown as { callHearth: CallHearth };
        return callHearth('listConversations', {}).then(async (list) => {
          const items = (list as { ok: boolean; value?: ConversationSummary[] }).value ?? [];
          const latest = [...items].sort((a, b) => b.updatedAt - a.updatedAt)[0];
          return latest ? callHearth('openConversation', { id: latest.id }) : undefined;
        });
      })) as { ok: boolean; value?: Conversation } | undefined;
      return outcome?.value?.messages ?? [];
    });
    expect((await textOf(view.answers.last())).length).toBeGreaterThan(0);
    const outcome = await page.evaluate(() =>
      (globalThis as unknown as { callHearth: CallHearth }).callHearth('listConversations', {}),
    );
    expect(outcome).toMatchObject({ ok: true, value: [{ messageCount: 2 }] });
  } finally {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
