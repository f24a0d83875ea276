// The security headers every HTTP response carries, and the Content-Security-Policy
// the kiosk window uses too, so the two transports run the UI under one policy.

/** CSP directives for the built React UI. Vite emits only external scripts and
 * stylesheets, and React sets inline styles through the CSSOM, which CSP allows,
 * so neither 'unsafe-inline' nor 'unsafe-eval' is needed. */
export function contentSecurityPolicy(options: { allowWebSocket: boolean }): string {
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data: blob:"],
    ['font-src', "'self' data:"],
    // The browser UI talks to the server it came from; 'self' does not cover ws: in every browser.
    ['connect-src', options.allowWebSocket ? "'self' ws: wss:" : "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
    ['worker-src', "'self' blob:"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

export const httpSecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy({ allowWebSocket: true }),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The microphone for Talk, for Hearth's own pages only; nothing else a page could ask for.
  'Permissions-Policy': 'camera=(), microphone=(self), geolocation=(), payment=(), usb=()',
};
