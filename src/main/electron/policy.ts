// The kiosk's security decisions as plain functions over plain data, so they are
// unit-tested without Electron. index.ts wires them to Electron's hooks.

/**
 * scheme://host[:port] of a URL that has a host, lower-cased as Chromium
 * canonicalises it; undefined for URLs without one (file:, data:, about:,
 * javascript:), with credentials, or that do not parse. Node's URL.origin is
 * "null" for schemes it does not know, such as app:, so it is built here.
 */
function hostedOrigin(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.host === '' || parsed.username !== '' || parsed.password !== '') return undefined;
  return `${parsed.protocol}//${parsed.host.toLowerCase()}`;
}

/** Both URLs have the same origin, and it is a real one (not file: or opaque). */
function sameOrigin(candidate: string, appUrl: string): boolean {
  const expected = hostedOrigin(appUrl);
  return expected !== undefined && hostedOrigin(candidate) === expected;
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
 * Only a page of the app's origin (app://hearth), in its own top-level frame,
 * in the window we made, may call the API. A page the window was somehow
 * navigated to, an iframe or another window gets nothing. Every page of that
 * origin is one of the built files the app protocol serves, so any path will do.
 */
export function isTrustedSender(sender: IpcSender, appUrl: string): boolean {
  if (sender.webContentsId !== sender.expectedWebContentsId) return false;
  if (!sender.isMainFrame) return false;
  if (!sender.frameUrl) return false;
  return sameOrigin(sender.frameUrl, appUrl);
}

/** Navigation stays within the app's origin (a reload, another route); anything else is refused. */
export function allowNavigation(targetUrl: string, appUrl: string): boolean {
  return sameOrigin(targetUrl, appUrl);
}

/** window.open and target=_blank: a kiosk has no second window to give. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** A permission request as Electron's request handler sees it (its `details`, as plain data). */
export interface PermissionRequest {
  permission: string;
  /** The URL of the frame that asked. */
  requestingUrl: string;
  /** True when that frame is the top-level frame of its page. */
  isMainFrame: boolean;
  /** For 'media': what it wants to capture ('audio', 'video'). */
  mediaTypes?: readonly string[];
}

/** A permission check (navigator.permissions, device lists) as Electron's check handler sees it. */
export interface PermissionCheck {
  permission: string;
  /** The origin asking (app://hearth), as Electron passes it. */
  requestingOrigin: string;
  isMainFrame: boolean;
  /** For 'media': the one kind of capture checked ('audio', 'video', 'unknown'). */
  mediaType?: string;
}

/**
 * Permission requests (camera, microphone, notifications, geolocation, ...).
 * The microphone alone is granted, for talking to Hearth: 'media' asking for
 * audio and nothing else, from the app's own page in its top-level frame.
 * A camera, a request that mixes video in, an iframe, any other origin and
 * every other permission are refused.
 */
export function allowPermissionRequest(request: PermissionRequest, appUrl: string): boolean {
  if (request.permission !== 'media' || !request.isMainFrame) return false;
  const types = request.mediaTypes ?? [];
  if (types.length !== 1 || types[0] !== 'audio') return false;
  return sameOrigin(request.requestingUrl, appUrl);
}

/** The same rule for permission checks: only the app page's top frame, and only for audio. */
export function allowPermissionCheck(check: PermissionCheck, appUrl: string): boolean {
  if (check.permission !== 'media' || !check.isMainFrame) return false;
  if (check.mediaType !== 'audio') return false;
  return sameOrigin(check.requestingOrigin, appUrl);
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

/** The part of Electron's before-input-event Input the shortcut check reads. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  shift: boolean;
  meta: boolean;
  alt: boolean;
}

/**
 * F12 or Ctrl+Shift+I: the DevTools key, honoured only in a windowed (developer)
 * run. The kiosk has no application menu, so these keys do nothing there, and
 * its window is made with devTools off, so nothing else can open them either.
 */
export function opensDevTools(input: KeyInput, windowed: boolean): boolean {
  if (!windowed || input.type !== 'keyDown') return false;
  if (input.key === 'F12') return !input.control && !input.shift && !input.alt && !input.meta;
  return input.key.toLowerCase() === 'i' && input.control && input.shift && !input.alt;
}
