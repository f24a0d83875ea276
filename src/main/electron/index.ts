// The Electron kiosk: a thin adapter that puts the composed Hearth behind a
// locked-down window and the preload bridge. Every decision it makes lives in
// policy.ts and appProtocol.ts as plain functions; this file only wires them to
// Electron.
import { app, BrowserWindow, ipcMain, Menu, protocol, session, utilityProcess } from 'electron';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth } from '../runtime/hearthProcess';
import { announceOwnerPage } from '../runtime/ownerPage';
import { ConfigError, loadConfig, type HearthConfig } from '../config/config';
import { createLogger, type Logger } from '../base/log';
import { contentSecurityPolicy } from '../server';
import {
  allowNavigation,
  allowPermissionCheck,
  allowPermissionRequest,
  kioskWindowOptions,
  opensDevTools,
  windowOpenDecision,
} from './policy';
import {
  APP_PAGE_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
} from './appProtocol';
import { serveIpcApi } from './ipcApi';
import { quittingKioskExit } from './kioskExit';
import { utilityScriptProcesses } from './utilityScriptProcesses';

const mainDir = dirname(fileURLToPath(import.meta.url));
const preloadPath = resolve(mainDir, '../preload/index.cjs');
const rendererDir = resolve(mainDir, '../renderer');
const appUrl = APP_PAGE_URL;

function readConfig(): HearthConfig | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

/**
 * What only works before the app is ready: the app:// scheme's privileges, and
 * no application menu. Without a menu there is no Ctrl+R, Ctrl+Q, zoom or
 * DevTools accelerator, and Electron never builds its default one.
 */
function prepareBeforeReady(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  Menu.setApplicationMenu(null);
  app.enableSandbox();
}

/** Navigation, new windows and webviews are refused for every page Electron creates. */
function lockDownContents(logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: Electron.Event, url: string): void => {
      if (allowNavigation(url, appUrl)) return;
      event.preventDefault();
      logger.warn('navigation_denied', { url });
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn('webview_denied', {});
    });
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('window_open_denied', { url });
      return windowOpenDecision();
    });
    // A long press on a touchscreen asks for a context menu; a kiosk has none to give.
    contents.on('context-menu', (event) => event.preventDefault());
  });
}

/** After ready: the permission handlers (the microphone only), and app:// served from the built renderer. */
function lockDownSession(): void {
  const ses = session.defaultSession;
  // The microphone, for the app page's top frame only (getUserMedia({ audio: true }));
  // everything else is refused. Both hooks are set: Chromium checks before it asks.
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(
      allowPermissionRequest(
        {
          permission,
          requestingUrl: details.requestingUrl,
          isMainFrame: details.isMainFrame,
          ...('mediaTypes' in details && details.mediaTypes
            ? { mediaTypes: details.mediaTypes }
            : {}),
        },
        appUrl,
      ),
    ),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    allowPermissionCheck(
      {
        permission,
        requestingOrigin,
        isMainFrame: details.isMainFrame,
        ...(details.mediaType ? { mediaType: details.mediaType } : {}),
      },
      appUrl,
    ),
  );
  // The same policy the headless server sends, minus WebSocket: the kiosk talks over IPC.
  // It travels on every app:// response, so unlike a file:// page's, it applies.
  const csp = contentSecurityPolicy({ allowWebSocket: false });
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir, csp }));
}

/** The kiosk window's own rules: no pinch zoom, and DevTools only in a windowed run. */
function lockDownWindow(window: BrowserWindow, windowed: boolean, logger: Logger): void {
  const contents = window.webContents;
  contents.on('did-finish-load', () => {
    contents
      .setVisualZoomLevelLimits(1, 1)
      .catch((error: unknown) => logger.warn('zoom_limit_failed', { error: String(error) }));
  });
  contents.on('before-input-event', (event, input) => {
    if (!opensDevTools(input, windowed)) return;
    event.preventDefault();
    contents.toggleDevTools();
  });
}

async function main(): Promise<void> {
  prepareBeforeReady();
  const config = readConfig();
  if (!config) {
    app.exit(1);
    return;
  }
  const logger = createLogger(config.logLevel);
  lockDownContents(logger);
  await app.whenReady();
  lockDownSession();

  // The same start-up and shutdown as `npm run serve`; phones reach the services over
  // HTTP + WebSocket, and the kiosk keeps running without them if the port is taken.
  const running = await startHearth({
    config,
    logger,
    staticDir: rendererDir,
    processName: 'the Hearth kiosk',
    serverRequired: false,
    // The owner's hidden way out: a long press on the logo, then the PIN from Settings,
    // checked by the PIN gate the composition root shares with Settings.
    kioskExit: (gate) => quittingKioskExit(gate, () => app.quit()),
    // The packaged binary's runAsNode fuse is off: it cannot spawn itself as Node.
    scriptProcesses: utilityScriptProcesses((...fork) => utilityProcess.fork(...fork)),
  });
  // The kiosk window is the owner over IPC; a browser (over SSH, say) needs this link,
  // printed as `npm run serve` prints it so the journal has it either way.
  if (running.server) {
    announceOwnerPage(running.owner, running.server, (line) => process.stdout.write(line));
  }
  const window = new BrowserWindow(kioskWindowOptions({ windowed: config.windowed, preloadPath }));
  lockDownWindow(window, config.windowed, logger);
  const stopApi = serveIpcApi({ ipc: ipcMain, hearth: running.hearth, window, appUrl, logger });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) =>
    logger.error('renderer_gone', { reason: details.reason, exitCode: details.exitCode }),
  );

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void (async () => {
      try {
        stopApi();
        await running.dispose();
        logger.info('stopped', {});
      } catch (error) {
        logger.error('shutdown_failed', { error: (error as Error).message });
      } finally {
        stopped = true;
        logger.flush();
        app.quit();
      }
    })();
  });

  await window.loadURL(appUrl);
  logger.info('kiosk_ready', { windowed: config.windowed, url: appUrl });
}

// A second copy would fight the first over the model, the port and the data files.
// (The data directory's lock, taken in startHearth, also keeps `npm run serve` out.)
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(
      `Hearth failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    app.exit(1);
  });
}
