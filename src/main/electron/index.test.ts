// The kiosk entry, start to quit, with the one thing that cannot run here,
// Electron itself, replaced by a small recording fake. Everything behind it
// (config, the data directory, the services, the model, the HTTP server) is
// real. It checks the order Electron demands (the scheme is privileged and the
// menu removed before ready) and that each lock is actually wired.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURE_MODEL, tempDir } from '../../testing/inferenceFixtures';
import { contentSecurityPolicy } from '../server';
import { FRAMES_TO_MAIN_CHANNEL } from '../../shared/channels';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES } from './appProtocol';

type Listener = (...args: unknown[]) => unknown;
interface FakeEvent {
  prevented: boolean;
  preventDefault(): void;
}

const fake = vi.hoisted(() => {
  const calls: string[] = [];
  const event = (): FakeEvent => ({
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  });
  /** Enough of Node's EventEmitter for the adapter: on, once, removeListener, emit. */
  class Emitter {
    private readonly listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener): this {
      const once: Listener = (...args) => {
        this.removeListener(name, once);
        return listener(...args);
      };
      return this.on(name, once);
    }
    removeListener(name: string, listener: Listener): this {
      this.listeners.set(
        name,
        (this.listeners.get(name) ?? []).filter((l) => l !== listener),
      );
      return this;
    }
    emit(name: string, ...args: unknown[]): unknown[] {
      return (this.listeners.get(name) ?? []).map((listener) => listener(...args));
    }
  }

  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let markQuit = (): void => {};
  const quit = new Promise<void>((resolve) => (markQuit = resolve));

  class FakeApp extends Emitter {
    exitCode: number | undefined;
    /** `hasLock: false` is a second copy started while the first still runs. */
    constructor(
      private readonly record: string[] = calls,
      private readonly hasLock = true,
      private readonly onQuit = () => markQuit(),
    ) {
      super();
    }
    requestSingleInstanceLock(): boolean {
      this.record.push('app.requestSingleInstanceLock');
      return this.hasLock;
    }
    enableSandbox(): void {
      this.record.push('app.enableSandbox');
    }
    whenReady(): Promise<void> {
      this.record.push('app.whenReady');
      return ready;
    }
    exit(code: number): void {
      this.record.push(`app.exit ${code}`);
      this.exitCode = code;
      this.onQuit();
    }
    quit(): void {
      this.record.push('app.quit');
      const quitting = event();
      this.emit('before-quit', quitting);
      if (!quitting.prevented) this.onQuit();
    }
  }
  const app = new FakeApp();

  class FakeContents extends Emitter {
    readonly id = 7;
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    zoomLimits: number[][] = [];
    devToolsToggled = 0;
    /** Frames main sent to the page. */
    readonly sent: unknown[] = [];
    send(_channel: string, frame: unknown): void {
      this.sent.push(frame);
    }
    isDestroyed(): boolean {
      return false;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
    setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
      this.zoomLimits.push([min, max]);
      return Promise.resolve();
    }
    toggleDevTools(): void {
      this.devToolsToggled += 1;
    }
  }

  const windows: FakeWindow[] = [];
  class FakeWindow extends Emitter {
    readonly webContents = new FakeContents();
    loaded: string[] = [];
    shown = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      calls.push('new BrowserWindow');
      windows.push(this);
      app.emit('web-contents-created', event(), this.webContents);
    }
    async loadURL(url: string): Promise<void> {
      calls.push(`window.loadURL ${url}`);
      this.loaded.push(url);
      this.emit('ready-to-show');
      this.webContents.emit('did-finish-load');
    }
    async loadFile(path: string): Promise<void> {
      calls.push(`window.loadFile ${path}`);
    }
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return false;
    }
    minimized = false;
    focused = 0;
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    focus(): void {
      this.focused += 1;
    }
  }

  const schemes: unknown[] = [];
  const handlers = new Map<string, (request: { url: string; method: string }) => unknown>();
  const menus: unknown[] = [];
  const permissions: {
    request?: (
      contents: unknown,
      permission: string,
      callback: (ok: boolean) => void,
      details: { requestingUrl: string; isMainFrame: boolean; mediaTypes?: string[] },
    ) => void;
    check?: (
      contents: unknown,
      permission: string,
      origin: string,
      details: { isMainFrame: boolean; mediaType?: string },
    ) => boolean;
  } = {};

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: new Emitter(),
    Menu: {
      setApplicationMenu(menu: unknown): void {
        calls.push(`Menu.setApplicationMenu ${String(menu)}`);
        menus.push(menu);
      },
    },
    protocol: {
      registerSchemesAsPrivileged(list: unknown[]): void {
        calls.push('protocol.registerSchemesAsPrivileged');
        schemes.push(...list);
      },
      handle(scheme: string, handler: (request: { url: string; method: string }) => unknown): void {
        calls.push(`protocol.handle ${scheme}`);
        handlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler(handler: typeof permissions.request): void {
          permissions.request = handler;
        },
        setPermissionCheckHandler(handler: typeof permissions.check): void {
          permissions.check = handler;
        },
      },
    },
  };
  return {
    electron,
    app,
    FakeApp,
    calls,
    windows,
    schemes,
    handlers,
    menus,
    permissions,
    event,
    markReady: () => {
      calls.push('(ready)');
      markReady();
    },
    quit,
  };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const data = tempDir('hearth-kiosk-entry-');
const dataDir = join(data.path, 'hearth');
let callsBeforeReady: string[] = [];

beforeAll(async () => {
  // A data directory left readable by others, as an older version would have made it.
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  vi.stubEnv('HEARTH_DATA_DIR', dataDir);
  vi.stubEnv('HEARTH_MODEL', FIXTURE_MODEL);
  vi.stubEnv('HEARTH_THREADS', '1');
  vi.stubEnv('HEARTH_HOST', '127.0.0.1');
  vi.stubEnv('HEARTH_PORT', '0');
  vi.stubEnv('HEARTH_LOG_LEVEL', 'fatal');
  vi.stubEnv('HEARTH_WINDOWED', '0');
  // Importing the entry runs it, up to the point where it waits for Electron to be ready.
  await import('./index');
  callsBeforeReady = [...fake.calls];
  fake.markReady();
  await vi.waitFor(
    () => expect(fake.calls.some((call) => call.startsWith('window.loadURL'))).toBe(true),
    { timeout: 30_000, interval: 50 },
  );
}, 60_000);

afterAll(async () => {
  fake.app.quit();
  await fake.quit;
  vi.unstubAllEnvs();
  data.remove();
}, 60_000);

const kiosk = () => {
  const window = fake.windows[0];
  if (!window) throw new Error('no kiosk window was made');
  return window;
};

describe('the kiosk entry', () => {
  it('privileges app://, removes the menu and sandboxes every renderer before the app is ready', () => {
    expect(callsBeforeReady).toEqual([
      'app.requestSingleInstanceLock',
      'protocol.registerSchemesAsPrivileged',
      'Menu.setApplicationMenu null',
      'app.enableSandbox',
      'app.whenReady',
    ]);
    expect(fake.schemes).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(fake.menus).toEqual([null]);
  });

  it('serves app:// only after ready, with the kiosk CSP on every response', async () => {
    const order = fake.calls;
    expect(order.indexOf('protocol.handle app')).toBeGreaterThan(order.indexOf('(ready)'));
    const handler = fake.handlers.get('app');
    if (!handler) throw new Error('app:// has no handler');
    const csp = contentSecurityPolicy({ allowWebSocket: false });
    for (const url of ['app://hearth/index.html', 'app://hearth/%2e%2e%2f%2e%2e%2fconfig.json']) {
      const response = (await handler({ url, method: 'GET' })) as Response;
      expect(response.headers.get('content-security-policy'), url).toBe(csp);
    }
  });

  it('loads app://hearth/index.html, never a file, in a sandboxed kiosk window', () => {
    const window = kiosk();
    expect(fake.windows).toHaveLength(1);
    expect(window.loaded).toEqual(['app://hearth/index.html']);
    expect(fake.calls.some((call) => call.startsWith('window.loadFile'))).toBe(false);
    expect(window.shown).toBe(true);
    expect(window.options).toMatchObject({
      kiosk: true,
      fullscreen: true,
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        devTools: false,
      },
    });
  });

  it('holds pinch zoom at 1 and refuses the context menu', () => {
    const contents = kiosk().webContents;
    expect(contents.zoomLimits).toEqual([[1, 1]]);
    const press = fake.event();
    contents.emit('context-menu', press, {});
    expect(press.prevented).toBe(true);
  });

  it('keeps the window on app://hearth/ and opens no other', () => {
    const contents = kiosk().webContents;
    for (const [url, allowed] of [
      ['app://hearth/index.html#/settings', true],
      ['https://example.com/', false],
      ['file:///etc/passwd', false],
    ] as const) {
      for (const kind of ['will-navigate', 'will-redirect']) {
        const attempt = fake.event();
        contents.emit(kind, attempt, url);
        expect(attempt.prevented, `${kind} ${url}`).toBe(!allowed);
      }
    }
    expect(contents.windowOpenHandler?.({ url: 'app://hearth/index.html' })).toEqual({
      action: 'deny',
    });
    const webview = fake.event();
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
  });

  it('ignores the DevTools keys in the kiosk', () => {
    const contents = kiosk().webContents;
    const key = fake.event();
    const input = {
      type: 'keyDown',
      key: 'F12',
      control: false,
      shift: false,
      alt: false,
      meta: false,
    };
    contents.emit('before-input-event', key, input);
    contents.emit('before-input-event', fake.event(), {
      ...input,
      key: 'I',
      control: true,
      shift: true,
    });
    expect(contents.devToolsToggled).toBe(0);
  });

  it('grants the app page the microphone, audio only, and refuses every other request and check', () => {
    const answers: boolean[] = [];
    const request = (permission: string, details: Record<string, unknown>) =>
      fake.permissions.request?.({}, permission, (ok) => answers.push(ok), {
        requestingUrl: 'app://hearth/index.html',
        isMainFrame: true,
        ...details,
      });
    request('media', { mediaTypes: ['audio'] });
    request('media', { mediaTypes: ['audio', 'video'] });
    request('media', { mediaTypes: ['audio'], isMainFrame: false });
    request('media', { mediaTypes: ['audio'], requestingUrl: 'https://example.com/' });
    request('geolocation', {});
    expect(answers).toEqual([true, false, false, false, false]);
    const check = (permission: string, origin: string, details: Record<string, unknown>) =>
      fake.permissions.check?.({}, permission, origin, { isMainFrame: true, ...details });
    expect(check('media', 'app://hearth', { mediaType: 'audio' })).toBe(true);
    expect(check('media', 'app://hearth', { mediaType: 'video' })).toBe(false);
    expect(check('media', 'https://example.com', { mediaType: 'audio' })).toBe(false);
    expect(check('notifications', 'app://hearth', {})).toBe(false);
  });

  it('registers app:// once as a secure, standard scheme, as getUserMedia needs', () => {
    expect(
      fake.calls.filter((call) => call === 'protocol.registerSchemesAsPrivileged'),
    ).toHaveLength(1);
    expect(fake.schemes).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }) as unknown,
      },
    ]);
  });

  it('makes the data directory private before using it', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('brings its window back to the front when someone starts a second copy', () => {
    const window = kiosk();
    window.minimized = true;
    const focusedBefore = window.focused;
    fake.app.emit('second-instance', fake.event(), ['hearth'], '/');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(focusedBefore + 1);
    fake.app.emit('second-instance', fake.event(), ['hearth'], '/');
    expect(window.focused).toBe(focusedBefore + 2);
    expect(fake.windows).toHaveLength(1);
  });

  // Last: it quits the app.
  it('leaves kiosk mode with the PIN set in Settings, from the kiosk window, and quits', async () => {
    const contents = kiosk().webContents;
    const fromPage = {
      sender: { id: contents.id },
      senderFrame: { url: APP_PAGE_URL, parent: null },
    };
    const post = (frame: unknown) =>
      fake.electron.ipcMain.emit(FRAMES_TO_MAIN_CHANNEL, fromPage, frame);
    let nextId = 1;
    const call = async (name: string, args: unknown) => {
      const id = nextId++;
      post({ t: 'call', id, name, args });
      let reply: { t: string; id?: number; ok?: boolean; value?: unknown } | undefined;
      await vi.waitFor(() => {
        reply = (contents.sent as (typeof reply)[]).find((f) => f?.t === 'result' && f.id === id);
        expect(reply).toBeDefined();
      });
      return reply;
    };
    post({ t: 'hello' });
    expect(await call('exitKiosk', { pin: '2580' })).toMatchObject({
      ok: true,
      value: { result: 'disabled' },
    });
    expect(await call('updateSettings', { kioskPin: '2580' })).toMatchObject({ ok: true });
    expect(await call('exitKiosk', { pin: '0852' })).toMatchObject({
      ok: true,
      value: { result: 'wrong', attemptsLeft: 4 },
    });
    // Changing the PIN in Settings needs it, and a wrong one counts against the same lockout.
    expect(await call('updateSettings', { kioskPin: '1111', currentPin: '0000' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'That is not the current PIN: 3 tries left.' },
    });
    expect(await call('exitKiosk', { pin: '0853' })).toMatchObject({
      ok: true,
      value: { result: 'wrong', attemptsLeft: 2 },
    });
    let quit = false;
    void fake.quit.then(() => (quit = true));
    expect(await call('exitKiosk', { pin: '2580' })).toMatchObject({
      ok: true,
      value: { result: 'exit' },
    });
    expect(quit).toBe(false);
    await fake.quit;
  });
});

describe('a second copy of the kiosk', () => {
  it('quits at once, without a window and without starting the services', async () => {
    // Its own Electron app, refused the single-instance lock, so quitting it
    // leaves the first copy above running.
    const record: string[] = [];
    const second = new fake.FakeApp(record, false, () => {});
    const RefusedWindow = function RefusedWindow() {
      record.push('new BrowserWindow');
    };
    vi.resetModules();
    vi.doMock('electron', () => {
      const electron = { ...fake.electron, app: second, BrowserWindow: RefusedWindow };
      return { ...electron, default: electron };
    });
    vi.doMock('../runtime/hearthProcess', () => ({
      startHearth: () => {
        record.push('startHearth');
        return new Promise(() => {});
      },
    }));
    try {
      await import('./index');
      // A start-up wrongly begun would get past `await app.whenReady()` by now.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      vi.doUnmock('electron');
      vi.doUnmock('../runtime/hearthProcess');
    }
    expect(record).toEqual(['app.requestSingleInstanceLock', 'app.quit']);
  });
});
