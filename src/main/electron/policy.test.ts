import { describe, expect, it } from 'vitest';
import {
  allowNavigation,
  allowPermissionCheck,
  allowPermissionRequest,
  isTrustedSender,
  kioskWindowOptions,
  opensDevTools,
  windowOpenDecision,
} from './policy';
import { APP_PAGE_URL } from './appProtocol';

const appUrl = APP_PAGE_URL;

describe('isTrustedSender', () => {
  const ok = { frameUrl: appUrl, isMainFrame: true, webContentsId: 3, expectedWebContentsId: 3 };

  it('is keyed on app://hearth/, the page the window loads', () => {
    expect(appUrl).toBe('app://hearth/index.html');
  });

  it('trusts a page of the app origin in its own window and top frame, at any route', () => {
    expect(isTrustedSender(ok, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${appUrl}#/conversations/c1` }, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${appUrl}?debug=1` }, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://hearth/' }, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://HEARTH/index.html' }, appUrl)).toBe(true);
  });

  it('refuses other pages, frames and windows', () => {
    const refused = [
      { ...ok, frameUrl: 'https://evil.example/' },
      { ...ok, frameUrl: 'http://127.0.0.1:8737/' },
      { ...ok, frameUrl: 'file:///etc/passwd' },
      // The page as it used to be loaded: file:// has no origin to trust.
      { ...ok, frameUrl: 'file:///opt/Hearth/resources/app/out/renderer/index.html' },
      { ...ok, frameUrl: 'app://evil/index.html' },
      { ...ok, frameUrl: 'app://hearth.evil/index.html' },
      { ...ok, frameUrl: 'app://hearth:8080/index.html' },
      { ...ok, frameUrl: 'app://user:pw@hearth/index.html' },
      { ...ok, frameUrl: 'app:///index.html' },
      { ...ok, frameUrl: 'app:hearth/index.html' },
      { ...ok, frameUrl: 'https://hearth/index.html' },
      { ...ok, frameUrl: 'about:blank' },
      { ...ok, frameUrl: 'data:text/html,hi' },
      { ...ok, frameUrl: 'not a url' },
      { ...ok, frameUrl: '' },
      { ...ok, frameUrl: null },
      { ...ok, frameUrl: undefined },
      { ...ok, isMainFrame: false },
      { ...ok, webContentsId: 4 },
    ];
    for (const sender of refused)
      expect(isTrustedSender(sender, appUrl), JSON.stringify(sender)).toBe(false);
  });
});

describe('navigation and windows', () => {
  it('allows only pages within app://hearth/', () => {
    expect(allowNavigation(appUrl, appUrl)).toBe(true);
    expect(allowNavigation(`${appUrl}#/x`, appUrl)).toBe(true);
    expect(allowNavigation('app://hearth/', appUrl)).toBe(true);
    expect(allowNavigation('app://hearth/settings', appUrl)).toBe(true);
    for (const target of [
      'https://example.com/',
      'http://127.0.0.1:8737/',
      'file:///home/pi/.ssh/id_rsa',
      'file:///opt/Hearth/resources/app/out/renderer/index.html',
      'app://other/index.html',
      'app://hearth.example.com/',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'chrome://gpu',
      'devtools://devtools/bundled/inspector.html',
      '',
    ]) {
      expect(allowNavigation(target, appUrl), target).toBe(false);
    }
  });

  it('trusts nothing when the app URL itself has no origin', () => {
    const fileUrl = 'file:///opt/hearth/out/renderer/index.html';
    expect(allowNavigation(fileUrl, fileUrl)).toBe(false);
    expect(
      isTrustedSender(
        { frameUrl: fileUrl, isMainFrame: true, webContentsId: 1, expectedWebContentsId: 1 },
        fileUrl,
      ),
    ).toBe(false);
  });

  it('denies every new window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  const microphone = {
    permission: 'media',
    requestingUrl: 'app://hearth/index.html',
    isMainFrame: true,
    mediaTypes: ['audio'],
  };
  const micCheck = {
    permission: 'media',
    requestingOrigin: 'app://hearth',
    isMainFrame: true,
    mediaType: 'audio',
  };

  it('grants the microphone alone to the app page in its top frame, at any route', () => {
    expect(allowPermissionRequest(microphone, appUrl)).toBe(true);
    expect(
      allowPermissionRequest({ ...microphone, requestingUrl: 'app://hearth/#/settings' }, appUrl),
    ).toBe(true);
    expect(allowPermissionCheck(micCheck, appUrl)).toBe(true);
  });

  it('refuses a camera, audio with video, and a media request that names nothing', () => {
    const { permission, requestingUrl, isMainFrame } = microphone;
    const bare = { permission, requestingUrl, isMainFrame };
    for (const mediaTypes of [['video'], ['audio', 'video'], ['video', 'audio'], [], undefined]) {
      const request = mediaTypes === undefined ? bare : { ...bare, mediaTypes };
      expect(allowPermissionRequest(request, appUrl), String(mediaTypes)).toBe(false);
    }
    const { requestingOrigin } = micCheck;
    const bareCheck = { permission, requestingOrigin, isMainFrame };
    for (const mediaType of ['video', 'unknown', undefined]) {
      const check = mediaType === undefined ? bareCheck : { ...bareCheck, mediaType };
      expect(allowPermissionCheck(check, appUrl), String(mediaType)).toBe(false);
    }
  });

  it('refuses the microphone to iframes and to every other origin', () => {
    expect(allowPermissionRequest({ ...microphone, isMainFrame: false }, appUrl)).toBe(false);
    expect(allowPermissionCheck({ ...micCheck, isMainFrame: false }, appUrl)).toBe(false);
    for (const url of [
      'https://example.com/',
      'http://hearth/',
      'app://evil/index.html',
      'app://hearth.evil/',
      'app://user@hearth/',
      'file:///index.html',
      'data:text/html,x',
      'about:blank',
      '',
    ]) {
      expect(allowPermissionRequest({ ...microphone, requestingUrl: url }, appUrl), url).toBe(
        false,
      );
      expect(allowPermissionCheck({ ...micCheck, requestingOrigin: url }, appUrl), url).toBe(false);
    }
  });

  it('refuses every other permission, even to the app page', () => {
    for (const permission of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'fullscreen',
      'openExternal',
      'usb',
      'display-capture',
      'unknown',
    ]) {
      expect(allowPermissionRequest({ ...microphone, permission }, appUrl), permission).toBe(false);
      expect(allowPermissionCheck({ ...micCheck, permission }, appUrl), permission).toBe(false);
    }
  });
});

describe('kioskWindowOptions', () => {
  it('is a fullscreen kiosk by default with the security checklist applied', () => {
    const options = kioskWindowOptions({
      windowed: false,
      preloadPath: '/app/out/preload/index.cjs',
    });
    expect(options.kiosk).toBe(true);
    expect(options.fullscreen).toBe(true);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('is a normal window with devtools when windowed', () => {
    const options = kioskWindowOptions({ windowed: true, preloadPath: 'p.cjs' });
    expect(options.kiosk).toBe(false);
    expect(options.fullscreen).toBe(false);
    expect(options.webPreferences.devTools).toBe(true);
    // Only DevTools differ: the renderer stays sandboxed and isolated without Node.
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});

describe('opensDevTools', () => {
  const key = (
    k: string,
    mods: Partial<Record<'control' | 'shift' | 'alt' | 'meta', boolean>> = {},
  ) => ({
    type: 'keyDown',
    key: k,
    control: false,
    shift: false,
    alt: false,
    meta: false,
    ...mods,
  });

  it('opens DevTools on F12 or Ctrl+Shift+I in a windowed run', () => {
    expect(opensDevTools(key('F12'), true)).toBe(true);
    expect(opensDevTools(key('I', { control: true, shift: true }), true)).toBe(true);
    expect(opensDevTools(key('i', { control: true, shift: true }), true)).toBe(true);
  });

  it('never in the kiosk, on key release, or for other keys', () => {
    expect(opensDevTools(key('F12'), false)).toBe(false);
    expect(opensDevTools(key('I', { control: true, shift: true }), false)).toBe(false);
    expect(opensDevTools({ ...key('F12'), type: 'keyUp' }, true)).toBe(false);
    expect(opensDevTools(key('i', { control: true }), true)).toBe(false);
    expect(opensDevTools(key('r', { control: true }), true)).toBe(false);
    expect(opensDevTools(key('F12', { control: true }), true)).toBe(false);
  });
});
