// The kiosk's security decisions as plain functions over plain data, so they are
// unit-tested without Electron. index.ts wires them to Electron's hooks.
import { pathToFileURL } from 'node:url';

/** The file:// URL of the renderer page, normalised the way Chromium reports it. */
export function rendererUrl(rendererIndexPath: string): string {
  return pathToFileURL(rendererIndexPath).href;
}

/** The page, ignoring the in-page part (#route, ?query) a single-page app may change. */
function samePage(candidate: string, expected: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(candidate);
    b = new URL(expected);
  } catch {
    return false;
  }
  return (
    a.protocol === 'file:' &&
    b.protocol === 'file:' &&
    a.host === b.host &&
    a.pathname === b.pathname
  );
}

export interface IpcSender {
  /** URL of the frame that sent the message (event.senderFrame.url); null when it is gone. */
  frameUrl: string | null | undefined;
  /** True when that frame is the top-level frame of its page (senderFrame.parent === null). */
  isMainFrame: boolean;
  /** webContents id of the sender, and of the kiosk window we created. */
  webContentsId: number;
  expectedWebContentsId: number;
}

/**
 * Only the app's own page, in its own top-level frame, in the window we made,
 * may call the API. A page the window was somehow navigated to, an iframe or
 * another window gets nothing.
 */
export function isTrustedSender(sender: IpcSender, appUrl: string): boolean {
  if (sender.webContentsId !== sender.expectedWebContentsId) return false;
  if (!sender.isMainFrame) return false;
  if (!sender.frameUrl) return false;
  return samePage(sender.frameUrl, appUrl);
}

/** Navigation away from the app page is refused; reloading the app page itself is fine. */
export function allowNavigation(targetUrl: string, appUrl: string): boolean {
  return samePage(targetUrl, appUrl);
}

/** window.open and target=_blank: a kiosk has no second window to give. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permission requests (camera, microphone, notifications, geolocation, ...) and
 * checks. Hearth needs none of them; speech input, when it comes, will name its own.
 */
export function allowPermission(_permission: string, _requestingUrl: string): boolean {
  return false;
}

/** The subset of BrowserWindow options Hearth sets, as plain data. */
export interface KioskWindowOptions {
  width: number;
  height: number;
  kiosk: boolean;
  fullscreen: boolean;
  autoHideMenuBar: boolean;
  backgroundColor: string;
  show: boolean;
  title: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    experimentalFeatures: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    spellcheck: false;
    devTools: boolean;
  };
}

export function kioskWindowOptions(options: {
  windowed: boolean;
  preloadPath: string;
}): KioskWindowOptions {
  const { windowed, preloadPath } = options;
  return {
    // The official Pi touchscreens: 800x480 (v1) and 1280x720 (Touch Display 2).
    width: 1280,
    height: 720,
    kiosk: !windowed,
    fullscreen: !windowed,
    autoHideMenuBar: true,
    backgroundColor: '#1b1a17',
    show: false, // shown on ready-to-show, so the kiosk never flashes a blank frame
    title: 'Hearth',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: windowed,
    },
  };
}

/** Adds the CSP to a response's headers, replacing any the response carried. */
export function withCsp(
  headers: Record<string, string[] | string> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
