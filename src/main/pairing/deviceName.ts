// A name a person recognizes in the kiosk's list of paired devices, such as
// "Chrome on Android" or "Safari on iPhone", from a browser's User-Agent. Only
// the common browsers and systems are named; everything else falls back to
// a plain word rather than echoing the raw header (which any client controls).

interface Rule {
  name: string;
  test: RegExp;
}

// Order matters: browsers built on Chrome also say "Chrome", and every iOS
// browser also says "Safari", so the specific ones come first.
const browsers: Rule[] = [
  { name: 'Samsung Internet', test: /SamsungBrowser\// },
  { name: 'Edge', test: /Edg(e|A|iOS)?\// },
  { name: 'Opera', test: /(OPR|OPX|OPT|Opera)\// },
  { name: 'Firefox', test: /(Firefox|FxiOS)\// },
  { name: 'Chrome', test: /(Chrome|CriOS|Chromium)\// },
  { name: 'Safari', test: /Version\/[\d.]+.*Safari\// },
  { name: 'Safari', test: /(iPhone|iPad|iPod).*AppleWebKit/ },
];

const systems: Rule[] = [
  { name: 'iPhone', test: /iPhone|iPod/ },
  { name: 'iPad', test: /iPad/ },
  { name: 'Android', test: /Android/ },
  { name: 'Chrome OS', test: /CrOS/ },
  { name: 'Windows', test: /Windows/ },
  // iPadOS asks for desktop sites and says "Macintosh" too; nothing tells them apart here.
  { name: 'Mac', test: /Macintosh|Mac OS X/ },
  { name: 'Linux', test: /Linux|X11/ },
];

/** At most this much of a header is examined; real ones are far shorter. */
const MAX_LENGTH = 1024;

export function deviceName(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').slice(0, MAX_LENGTH);
  const browser = browsers.find((rule) => rule.test.test(ua))?.name;
  const system = systems.find((rule) => rule.test.test(ua))?.name;
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `Browser on ${system}`;
  return 'Unknown device';
}
