// Hearth's TLS certificate on a real filesystem: made once with the machine's
// names, kept 0600 and reused across restarts, made again when the address it
// names moves, when it is near its end or unreadable (with a warning), and
// kept in memory with one warning when the disk is full.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { fillableFileSystem } from '../../testing/fillableFileSystem';
import { createMemoryLogger } from '../../testing/loggers';
import {
  CERT_LIFE_DAYS,
  openTlsCertificate,
  sanOf,
  tlsFilePath,
  tlsNamesFor,
  type TlsCertificateOptions,
} from './tlsCertificate';

const cleanups = useCleanups();
const DAY_MS = 24 * 60 * 60 * 1000;

async function open(options: Partial<TlsCertificateOptions> = {}) {
  const logger = createMemoryLogger();
  const dataDir = options.dataDir ?? cleanups.scratchDir('hearth-tls-');
  const identity = await openTlsCertificate({
    dataDir,
    names: tlsNamesFor('192.168.1.40', 'hearthpi'),
    logger,
    ...options,
  });
  return { identity, logger, dataDir, file: tlsFilePath(dataDir) };
}

describe('the TLS certificate', () => {
  it('names the LAN address, <hostname>.local and localhost, and is kept 0600', async () => {
    const { identity, file, logger } = await open();
    const x509 = new X509Certificate(identity.cert);
    expect([...sanOf(x509)].sort()).toEqual(
      ['127.0.0.1', '192.168.1.40', '::1', 'hearthpi.local', 'localhost'].sort(),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${identity.key}${identity.cert}`);
    expect(identity.fingerprint).toBe(x509.fingerprint256);
    expect(identity.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // A life Safari accepts (at most 825 days).
    expect(Date.parse(x509.validTo) - Date.now()).toBeLessThanOrEqual(CERT_LIFE_DAYS * DAY_MS);
    expect(identity.saved).toBe(true);
    expect(logger.entries.map((e) => e.eventType)).toEqual(['tls_certificate_created']);
  });

  it('is the same after a restart, so a phone that accepted it sees the same fingerprint', async () => {
    const first = await open();
    const again = await open({ dataDir: first.dataDir });
    expect(again.identity.fingerprint).toBe(first.identity.fingerprint);
    expect(again.identity.key).toBe(first.identity.key);
    expect(again.logger.entries).toEqual([]);
  });

  it('is made again, with a warning, when the LAN address it names has changed', async () => {
    const first = await open();
    const moved = await open({
      dataDir: first.dataDir,
      names: tlsNamesFor('192.168.1.77', 'hearthpi'),
    });
    expect(moved.identity.fingerprint).not.toBe(first.identity.fingerprint);
    expect(sanOf(new X509Certificate(moved.identity.cert)).has('192.168.1.77')).toBe(true);
    expect(moved.logger.entries.find((e) => e.level === 'warn')).toMatchObject({
      eventType: 'tls_certificate_replaced',
      context: { problem: 'it does not name 192.168.1.77' },
    });
    // The new one is kept: the next start reuses it.
    const again = await open({
      dataDir: first.dataDir,
      names: tlsNamesFor('192.168.1.77', 'hearthpi'),
    });
    expect(again.identity.fingerprint).toBe(moved.identity.fingerprint);
  });

  it('is made again when it is about to expire', async () => {
    const first = await open();
    const later = Date.now() + (CERT_LIFE_DAYS - 10) * DAY_MS;
    const renewed = await open({ dataDir: first.dataDir, now: () => later });
    expect(renewed.identity.fingerprint).not.toBe(first.identity.fingerprint);
    expect(renewed.logger.entries[0]).toMatchObject({
      level: 'warn',
      eventType: 'tls_certificate_replaced',
    });
    expect(String(renewed.logger.entries[0]?.context.problem)).toMatch(/^it expires /);
  });

  it('replaces a corrupt file with a warning that does not quote it', async () => {
    const dataDir = cleanups.scratchDir('hearth-tls-');
    const first = await open({ dataDir });
    writeFileSync(first.file, 'not a certificate at all\n');
    const replaced = await open({ dataDir });
    expect(replaced.identity.saved).toBe(true);
    expect(new X509Certificate(replaced.identity.cert).fingerprint256).toBe(
      replaced.identity.fingerprint,
    );
    const warning = replaced.logger.entries.find((e) => e.level === 'warn');
    expect(warning).toMatchObject({ eventType: 'tls_certificate_replaced' });
    expect(JSON.stringify(warning)).not.toContain('not a certificate at all');
    expect(readFileSync(first.file, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('replaces a file whose key belongs to another certificate', async () => {
    const a = await open();
    const b = await open();
    writeFileSync(a.file, `${b.identity.key}${a.identity.cert}`);
    const replaced = await open({ dataDir: a.dataDir });
    expect(replaced.identity.fingerprint).not.toBe(a.identity.fingerprint);
    expect(replaced.logger.entries[0]?.context.problem).toBe(
      'its key does not match its certificate',
    );
  });

  it('keeps the certificate in memory with one warning when the disk is full', async () => {
    const disk = fillableFileSystem();
    disk.fill();
    const { identity, logger, dataDir } = await open({ fs: disk.fs });
    expect(identity.saved).toBe(false);
    // It still serves: its key is the certificate's.
    expect(new X509Certificate(identity.cert).checkPrivateKey(createPrivateKey(identity.key))).toBe(
      true,
    );
    expect(logger.entries.filter((e) => e.level === 'warn')).toMatchObject([
      { eventType: 'tls_certificate_not_saved' },
    ]);
    expect(String(logger.entries[0]?.context.error)).toMatch(/^ENOSPC/);
    // No half-written file, no temporary file holding the key.
    expect(readdirSync(`${dataDir}/tls`)).toEqual([]);
  });
});

describe('tlsNamesFor', () => {
  it('names a LAN host name as DNS, and leaves out a host name that is an address', () => {
    expect(tlsNamesFor('hearth.lan', '10.0.0.2')).toEqual({
      dns: ['localhost', 'hearth.lan'],
      ips: ['127.0.0.1', '::1'],
    });
  });
});
