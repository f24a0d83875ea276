// Hearth's own TLS certificate, for serving phones over https (a phone's
// microphone works only in a secure context). Made once with `selfsigned` and
// kept, key and certificate together in one 0600 file, in <dataDir>/tls/, so a
// phone that accepted it once sees the same fingerprint after a restart. It is
// made again when it no longer names this machine (a new LAN address or host
// name), is about to expire, or cannot be read; a disk that cannot take it
// leaves it in memory for this run with one warning, as the owner secret does.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { removeLeftoverTemps, writeFileAtomicMarked } from '../base/atomicWrite';
import { errorCode, nodeFileSystem, type StorageFileSystem } from '../base/fileSystem';
import type { Logger } from '../base/log';

export const TLS_DIR = 'tls';
export const TLS_FILE = 'hearth.pem';
/** Apple's limit for a server certificate's life: a longer one is refused by Safari. */
export const CERT_LIFE_DAYS = 825;
/** A certificate this close to its end is made again at start-up rather than lapse while running. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TlsNames {
  /** Host names (DNS entries): localhost, <hostname>.local. */
  dns: string[];
  /** Addresses (IP entries): the LAN address, loopback. */
  ips: string[];
}

export interface TlsIdentity {
  /** PEM private key (PKCS#8). */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex, as browsers show it. */
  fingerprint: string;
  /** False when the disk could not take it: a restart makes another. */
  saved: boolean;
}

export interface TlsCertificateOptions {
  dataDir: string;
  names: TlsNames;
  logger: Logger;
  now?: () => number;
  /** Tests pass a disk that fills up. */
  fs?: StorageFileSystem;
}

export function tlsFilePath(dataDir: string): string {
  return join(dataDir, TLS_DIR, TLS_FILE);
}

/** The names a phone may reach this machine by: its LAN address, <hostname>.local, localhost and loopback. */
export function tlsNamesFor(lanAddress: string, hostname: string): TlsNames {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  if (hostname && isIP(hostname) === 0) dns.add(`${hostname.toLowerCase()}.local`);
  if (isIP(lanAddress) !== 0) ips.add(lanAddress);
  else if (lanAddress) dns.add(lanAddress.toLowerCase());
  return { dns: [...dns], ips: [...ips] };
}

/** Reads the kept certificate, or makes (and keeps) a new one that names `names`. */
export async function openTlsCertificate(options: TlsCertificateOptions): Promise<TlsIdentity> {
  const { logger } = options;
  const fs = options.fs ?? nodeFileSystem;
  const now = options.now ?? Date.now;
  const path = tlsFilePath(options.dataDir);
  await removeLeftoverTemps(fs, path);
  const stored = await readStored(fs, path);
  if (stored !== undefined) {
    const problem = problemWith(stored, options.names, now());
    if (problem === undefined) return identityOf(stored, true);
    logger.warn('tls_certificate_replaced', { path, problem, effect: replacedEffect });
  }
  const made = await makeCertificate(options.names, now());
  try {
    await fs.mkdir(join(options.dataDir, TLS_DIR));
    await writeFileAtomicMarked(fs, path, `${made.key}${made.cert}`);
  } catch (error) {
    logger.warn('tls_certificate_not_saved', {
      path,
      error: errorText(error),
      effect:
        'the certificate works until Hearth stops; a restart makes a new one, and phones warn again',
    });
    return identityOf(made, false);
  }
  logger.info('tls_certificate_created', {
    path,
    names: [...options.names.dns, ...options.names.ips],
  });
  return identityOf(made, true);
}

const replacedEffect =
  'a new certificate replaces it: phones show the certificate warning once more';

interface KeyAndCert {
  key: string;
  cert: string;
}

async function readStored(fs: StorageFileSystem, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new Error(`cannot read the TLS certificate ${path}: ${errorText(error)}`);
  }
}

const KEY_PEM = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\r?\n?/;
const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/;

/** Why the stored text cannot serve (never its content), or undefined when it can. */
function problemWith(text: string, names: TlsNames, now: number): string | undefined {
  const parsed = parsePem(text);
  if (typeof parsed === 'string') return parsed;
  const { x509 } = parsed;
  if (Date.parse(x509.validTo) - RENEW_BEFORE_MS <= now) return `it expires ${x509.validTo}`;
  const named = sanOf(x509);
  const missing = [...names.dns, ...names.ips].filter((name) => !named.has(name));
  if (missing.length > 0) return `it does not name ${missing.join(', ')}`;
  return undefined;
}

function parsePem(text: string): (KeyAndCert & { x509: X509Certificate }) | string {
  const key = KEY_PEM.exec(text)?.[0];
  const cert = CERT_PEM.exec(text)?.[0];
  if (!key || !cert) return 'it does not hold a private key and a certificate in PEM';
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key)))
      return 'its key does not match its certificate';
    return { key, cert, x509 };
  } catch (error) {
    return `it cannot be parsed (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The DNS and IP entries of a certificate's subjectAltName, IPs in Node's spelling. */
export function sanOf(x509: X509Certificate): Set<string> {
  const names = new Set<string>();
  for (const entry of (x509.subjectAltName ?? '').split(', ')) {
    const [kind, value] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
    if (kind === 'DNS') names.add(value.toLowerCase());
    if (kind === 'IP Address') names.add(normalIp(value));
  }
  return names;
}

/** IPv6 as Node prints it in a SAN (0:0:...:1 style) and as the config gives it (::1) compare equal. */
function normalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

async function makeCertificate(names: TlsNames, now: number): Promise<KeyAndCert> {
  const made = await generate([{ name: 'commonName', value: names.dns.at(-1) ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A minute back: a phone whose clock is a little behind still accepts it.
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + CERT_LIFE_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.dns.map((value) => ({ type: 2 as const, value })),
          ...names.ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { key: withNewline(made.private), cert: withNewline(made.cert) };
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function identityOf(pair: KeyAndCert | string, saved: boolean): TlsIdentity {
  const parsed = typeof pair === 'string' ? parsePem(pair) : parsePem(`${pair.key}${pair.cert}`);
  if (typeof parsed === 'string') throw new Error(`the TLS certificate is unusable: ${parsed}`);
  return {
    key: parsed.key,
    cert: parsed.cert,
    fingerprint: parsed.x509.fingerprint256,
    saved,
  };
}

function errorText(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message}` : String(message ?? error);
}
