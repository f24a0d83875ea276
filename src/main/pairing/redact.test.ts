import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../testing/loggers';
import { deviceCookie } from './deviceCookie';
import { ownerCookie } from './ownerCookie';
import { PairingCodes } from './pairingCode';
import { REDACTED, Redactor, redactingLogger } from './redact';

const CODE = 'q3X9_bL0-Zk2mN8pR4sT6v';
const TOKEN = 'Hk3_9aQ-0pLm2Zx7Vb5Nc1Sd4Fg6Jh8Kw0Ry2Tu4Io';

describe('Redactor', () => {
  const redactor = new Redactor();

  it.each([
    [`/pair?code=${CODE}`, `/pair?code=${REDACTED}`],
    [`http://192.168.1.5:8737/pair?code=${CODE}`, `http://192.168.1.5:8737/pair?code=${REDACTED}`],
    [`/pair?lang=en&code=${CODE}&x=1`, `/pair?lang=en&code=${REDACTED}&x=1`],
    [`/pair?CODE=${CODE}#top`, `/pair?CODE=${REDACTED}#top`],
    [`/ws?session=abc&token=${TOKEN}`, `/ws?session=abc&token=${REDACTED}`],
    [`/ws?resume=${TOKEN}`, `/ws?resume=${REDACTED}`],
    [`code=${CODE}`, `code=${REDACTED}`],
    [`GET "/pair?code=${CODE}" 302`, `GET "/pair?code=${REDACTED}" 302`],
    // A URL inside another URL's parameter, percent-encoded.
    [`/login?next=%2Fpair%3Fcode%3D${CODE}`, `/login?next=%2Fpair%3Fcode%3D${REDACTED}`],
  ])('redacts the secret in %s', (input, output) => {
    expect(redactor.redact(input)).toBe(output);
  });

  it('leaves alone query keys that only end like a secret one, and other values', () => {
    const text = '/search?q=code&barcode=123&csrf_token=abc&page=2';
    expect(redactor.redact(text)).toBe(text);
  });

  it('redacts the device cookie in Cookie and Set-Cookie headers, and no other cookie', () => {
    expect(redactor.redact(`theme=dark; hearth_device=${TOKEN}; lang=en`)).toBe(
      `theme=dark; hearth_device=${REDACTED}; lang=en`,
    );
    expect(redactor.redact(deviceCookie(TOKEN))).toBe(
      `hearth_device=${REDACTED}; Path=/; Max-Age=315360000; HttpOnly; SameSite=Strict`,
    );
    expect(redactor.redact('not_hearth_device=visible')).toBe('not_hearth_device=visible');
  });

  it('redacts the owner cookie in Cookie and Set-Cookie headers, and the owner page secret', () => {
    expect(redactor.redact(`hearth_owner=${TOKEN}; theme=dark`)).toBe(
      `hearth_owner=${REDACTED}; theme=dark`,
    );
    expect(redactor.redact(ownerCookie(TOKEN))).toBe(
      `hearth_owner=${REDACTED}; Path=/; Max-Age=315360000; HttpOnly; SameSite=Strict`,
    );
    expect(redactor.redact(`/owner?secret=${TOKEN}`)).toBe(`/owner?secret=${REDACTED}`);
  });

  it('redacts registered secrets anywhere until they are removed', () => {
    const own = new Redactor();
    const remove = own.addSecret(TOKEN);
    const line = `resume failed for {"secret":"${TOKEN}"} and again ${TOKEN}`;
    expect(own.redact(line)).toBe(
      `resume failed for {"secret":"${REDACTED}"} and again ${REDACTED}`,
    );
    remove();
    expect(own.redact(line)).toBe(line);
  });

  it('ignores secrets too short to be one, which would garble every line', () => {
    const own = new Redactor();
    own.addSecret('a');
    expect(own.redact('a banana')).toBe('a banana');
  });

  it('keeps a bounded number of registered secrets, dropping the oldest', () => {
    const own = new Redactor({ maxSecrets: 2 });
    own.addSecret('secret-one');
    own.addSecret('secret-two');
    own.addSecret('secret-three');
    expect(own.redact('secret-one secret-two secret-three')).toBe(
      `secret-one ${REDACTED} ${REDACTED}`,
    );
  });

  it('follows the pairing code as it rotates, when wired to onRotate', () => {
    const own = new Redactor();
    const codes = new PairingCodes();
    let current = own.addSecret(codes.current().code);
    codes.onRotate((next) => {
      current();
      current = own.addSecret(next.code);
    });
    const fresh = codes.rotate();
    expect(own.redact(`scanned ${fresh.code}`)).toBe(`scanned ${REDACTED}`);
    codes.dispose();
  });

  it('redacts strings deep inside a log context, errors included, and leaves other values', () => {
    const own = new Redactor();
    own.addSecret(TOKEN);
    const context = {
      url: `/pair?code=${CODE}`,
      status: 302,
      headers: { cookie: `hearth_device=${TOKEN}` },
      list: [`token=${TOKEN}`, 7, null],
      error: new Error(`bad token ${TOKEN}`),
    };
    const redacted = own.redactValue(context) as typeof context & { error: string };
    expect(JSON.stringify(redacted)).not.toContain(TOKEN);
    expect(JSON.stringify(redacted)).not.toContain(CODE);
    expect(redacted.status).toBe(302);
    expect(redacted.list[1]).toBe(7);
    expect(redacted.error).toContain('bad token [redacted]');
    // The original is untouched.
    expect(context.url).toContain(CODE);
  });

  it('stops at a depth limit on self-referencing contexts instead of looping', () => {
    const loop: Record<string, unknown> = { url: `/pair?code=${CODE}` };
    loop.self = loop;
    expect(() => new Redactor().redactValue(loop)).not.toThrow();
  });
});

describe('redactingLogger', () => {
  it('writes contexts with their secrets redacted', () => {
    const memory = createMemoryLogger();
    const logger = redactingLogger(memory, new Redactor());
    logger.info('http_request', { method: 'GET', url: `/pair?code=${CODE}` });
    logger.warn('no_context');
    expect(memory.entries).toEqual([
      {
        level: 'info',
        eventType: 'http_request',
        context: { method: 'GET', url: `/pair?code=${REDACTED}` },
      },
      { level: 'warn', eventType: 'no_context', context: {} },
    ]);
  });
});
