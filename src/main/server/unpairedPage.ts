// The small pages a browser that is not (yet) paired sees: how to pair, and
// what went wrong with a pairing code. Plain HTML under the same CSP as the
// app, so the styling is a stylesheet of its own (inline styles are not
// allowed) that unpaired browsers may load.
import type { ServerResponse } from 'node:http';

export const PAIRING_CSS_PATH = '/pairing.css';

const CSS = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
main { max-width: 28rem; padding: 1.5rem; line-height: 1.5; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
p { margin: 0 0 0.75rem; }
`.trimStart();

export interface Page {
  status: number;
  title: string;
  paragraphs: string[];
}

const HOW_TO_PAIR = 'On the Hearth screen, open Connect a phone and scan the code.';

export const unpairedPage: Page = {
  status: 401,
  title: 'Pair this device with Hearth',
  paragraphs: [
    HOW_TO_PAIR,
    'The code opens Hearth here and pairs this browser, so it can talk with Hearth from now on.',
    'Looking after this Hearth from its own machine? Open the owner page link it printed at start-up ("Owner page:").',
  ],
};

export const codeRefusedPage: Page = {
  status: 403,
  title: 'This pairing code does not work',
  paragraphs: [
    'It is wrong, it has expired (a code lasts 5 minutes), or it was already used (each code works once).',
    `To get a new code: ${HOW_TO_PAIR}`,
  ],
};

/** "Wait 3 minutes, then try again.", rounded up to whole minutes. */
export function waitSentence(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, then try again.`;
}

export function lockedOutPage(retryAfterMs: number): Page {
  return {
    status: 429,
    title: 'Too many wrong codes',
    paragraphs: [waitSentence(retryAfterMs), HOW_TO_PAIR],
  };
}

export const pairingOffPage: Page = {
  status: 404,
  title: 'Pairing is turned off',
  paragraphs: ['This Hearth does not pair other devices.'],
};

export const pairingFailedPage: Page = {
  status: 500,
  title: 'Pairing failed',
  paragraphs: [
    'Hearth could not save this device. Scan a new code to try again; if it keeps failing, Hearth’s log says why.',
  ],
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function pageHtml(page: Page): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<link rel="stylesheet" href="${PAIRING_CSS_PATH}">`,
    '<main>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`),
    '</main>',
    '</html>',
    '',
  ].join('\n');
}

export function sendPage(
  res: ServerResponse,
  page: Page,
  headers: Record<string, string | number | string[]> = {},
): void {
  res.writeHead(page.status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : pageHtml(page));
}

export function sendPairingCss(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/css; charset=utf-8',
    'Cache-Control': 'no-cache',
  });
  res.end(res.req.method === 'HEAD' ? undefined : CSS);
}
