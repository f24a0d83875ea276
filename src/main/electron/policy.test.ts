import { describe, expect, it } from 'vitest';
import {
  allowNavigation,
  allowPermission,
  isTrustedSender,
  kioskWindowOptions,
  rendererUrl,
  windowOpenDecision,
  withCsp,
} from './policy';

const appUrl = rendererUrl('/opt/Hearth/resources/app/out/renderer/index.html');

describe('rendererUrl', () => {
  it('is the file:// URL Chromium reports, with unusual characters escaped', () => {
    expect(appUrl).toBe('file:///opt/Hearth/resources/app/out/renderer/index.html');
    expect(rendererUrl('/home/pi/my apps/out/renderer/index.html')).toBe(
      'file:///home/pi/my%20apps/out/renderer/index.html',
    );
  });
});

describe('isTrustedSender', () => {
  const ok = { frameUrl: appUrl, isMainFrame: true, webContentsId: 3, expectedWebContentsId: 3 };

  it('trusts the app page in its own window and top frame, at any in-page route', () => {
    expect(isTrustedSender(ok, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${appUrl}#/conversations/c1` }, appUrl)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${appUrl}?debug=1` }, appUrl)).toBe(true);
  });

  it('refuses other pages, frames and windows', () => {
    const refused = [
      { ...ok, frameUrl: 'https://evil.example/' },
      { ...ok, frameUrl: 'http://127.0.0.1:8737/' },
      { ...ok, frameUrl: 'file:///etc/passwd' },
      { ...ok, frameUrl: 'file:///opt/Hearth/resources/app/out/renderer/other.html' },
      { ...ok, frameUrl: 'file:///opt/Hearth/resources/app/out/renderer/index.html.evil' },
      { ...ok, frameUrl: 'file://remote-host/opt/Hearth/resources/app/out/renderer/index.html' },
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
  it('allows only the app page itself', () => {
    expect(allowNavigation(appUrl, appUrl)).toBe(true);
    expect(allowNavigation(`${appUrl}#/x`, appUrl)).toBe(true);
    expect(allowNavigation('https://example.com/', appUrl)).toBe(false);
    expect(allowNavigation('file:///home/pi/.ssh/id_rsa', appUrl)).toBe(false);
    expect(allowNavigation('javascript:alert(1)', appUrl)).toBe(false);
  });

  it('denies every new window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'fullscreen',
      'openExternal',
      'usb',
    ]) {
      expect(allowPermission(permission, appUrl)).toBe(false);
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
    expect(options.webPreferences.sandbox).toBe(true);
  });
});

describe('withCsp', () => {
  it('replaces any policy the response had and keeps other headers', () => {
    const out = withCsp(
      { 'content-security-policy': ['default-src *'], 'X-Other': 'a' },
      "default-src 'self'",
    );
    expect(out).toEqual({ 'X-Other': ['a'], 'Content-Security-Policy': ["default-src 'self'"] });
    expect(withCsp(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
