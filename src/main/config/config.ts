// Settings come from HEARTH_* environment variables, then <dataDir>/config.json,
// then defaults. A bad value stops start-up with one line naming the setting.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  THERMAL_MIN_GAP_C,
  THERMAL_RESUME_RANGE,
  THERMAL_TRIGGER_RANGE,
  CONVERSATION_MEMORY_MAX_MB,
  HANDS_FREE_QUIET_SEC_RANGE,
  VOICE_RATE_RANGE,
} from '../../shared/settingsSchema';
import { voiceChoiceProblem } from '../../shared/voiceChoices';
import { KIOSK_PIN_HASH_PATTERN } from '../kioskExit/kioskPin';

const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes'].includes(v)));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
/** A DNS name, or a leading-dot suffix that stands for the name and all its subdomains. */
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/,
    'not a host name',
  );
/** Comma-separated in the environment, a list (or the same string) in the config file. */
const hostNames = z
  .union([
    z.string().transform((v) => v.split(',').filter((name) => name.trim() !== '')),
    z.array(z.string()),
  ])
  .pipe(z.array(hostName).max(64));

/**
 * 'auto', the floor engine's name or a catalog id: its form here; which ids
 * exist is checked once the whole configuration is read (the catalog may be a file).
 */
const voiceChoice = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9.-]{0,99}$/, 'expected auto, the engine name or a voice catalog id');

/** Each setting: its environment variable, its config-file key, its schema and default. */
const settings = {
  host: { env: 'HEARTH_HOST', schema: z.string().min(1), fallback: '127.0.0.1' },
  port: { env: 'HEARTH_PORT', schema: int(0, 65535), fallback: 8737 },
  model: { env: 'HEARTH_MODEL', schema: z.string().min(1).optional(), fallback: undefined },
  threads: { env: 'HEARTH_THREADS', schema: int(1, 256).optional(), fallback: undefined },
  contextSize: { env: 'HEARTH_CONTEXT_SIZE', schema: int(64, 131072), fallback: 2048 },
  maxTokens: { env: 'HEARTH_MAX_TOKENS', schema: int(1, 32768), fallback: 512 },
  // Disk for conversations' evaluated states (0: off); README "Conversation memory" says why 512.
  conversationMemoryMb: {
    env: 'HEARTH_CONVERSATION_MEMORY_MB',
    schema: int(0, CONVERSATION_MEMORY_MAX_MB),
    fallback: 512,
  },
  /** flite's speaking rate for spoken answers (1: its own pace). */
  voiceRate: {
    env: 'HEARTH_VOICE_RATE',
    schema: num(VOICE_RATE_RANGE.min, VOICE_RATE_RANGE.max),
    fallback: 1,
  },
  /** The speech recognizer: 'auto', 'pocketsphinx' or a recognizer's voice catalog id. */
  voiceRecognizer: {
    env: 'HEARTH_VOICE_RECOGNIZER',
    schema: voiceChoice,
    fallback: 'auto',
  },
  /** The voice answers are spoken with: 'auto', 'flite' or a voice's catalog id. */
  voiceVoice: {
    env: 'HEARTH_VOICE_VOICE',
    schema: voiceChoice,
    fallback: 'auto',
  },
  /** Seconds of silence after which hands-free stops listening. */
  handsFreeQuietSec: {
    env: 'HEARTH_HANDS_FREE_QUIET_SEC',
    schema: int(HANDS_FREE_QUIET_SEC_RANGE.min, HANDS_FREE_QUIET_SEC_RANGE.max),
    fallback: 8,
  },
  temperature: { env: 'HEARTH_TEMPERATURE', schema: num(0, 2), fallback: 0.7 },
  seed: { env: 'HEARTH_SEED', schema: int(0, 2 ** 31).optional(), fallback: undefined },
  systemPrompt: {
    env: 'HEARTH_SYSTEM_PROMPT',
    schema: z.string().max(4000),
    fallback: 'You are Hearth, a helpful assistant. Answer briefly.',
  },
  thermalZone: {
    env: 'HEARTH_THERMAL_ZONE',
    schema: z.string().min(1),
    fallback: '/sys/class/thermal/thermal_zone0/temp',
  },
  thermalSimulate: {
    env: 'HEARTH_THERMAL_SIMULATE',
    schema: z
      .union([bool, z.enum(['bare', 'active'])])
      .transform((v): 'off' | 'bare' | 'active' => (v === true ? 'bare' : v === false ? 'off' : v)),
    fallback: 'off' as const,
  },
  // The ranges Settings allows: outside them protection would come too late for
  // the board, or so early that Hearth is always cooling.
  thermalTrigger: {
    env: 'HEARTH_THERMAL_TRIGGER',
    schema: num(THERMAL_TRIGGER_RANGE.min, THERMAL_TRIGGER_RANGE.max),
    fallback: 85,
  },
  thermalResume: {
    env: 'HEARTH_THERMAL_RESUME',
    schema: num(THERMAL_RESUME_RANGE.min, THERMAL_RESUME_RANGE.max),
    fallback: 80,
  },
  thermalPollMs: { env: 'HEARTH_THERMAL_POLL_MS', schema: int(100, 60000), fallback: 1000 },
  logLevel: {
    env: 'HEARTH_LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    fallback: 'info' as const,
  },
  windowed: { env: 'HEARTH_WINDOWED', schema: bool, fallback: false },
  /** How long a client's session waits for it after its link drops (ms). */
  sessionExpiryMs: {
    env: 'HEARTH_SESSION_EXPIRY_MS',
    schema: int(1000, 24 * 3600_000),
    fallback: 5 * 60_000,
  },
  /** Off only on loopback: on the network it would let anyone in. */
  pairing: { env: 'HEARTH_PAIRING', schema: bool, fallback: true },
  /**
   * Serve phones over https with Hearth's own certificate (a phone's microphone
   * needs a secure context); plain http on the same port is redirected.
   */
  tls: { env: 'HEARTH_TLS', schema: bool, fallback: false },
  /** Host names (besides IP addresses, localhost and <hostname>.local) phones may use. */
  allowedHosts: { env: 'HEARTH_ALLOWED_HOSTS', schema: hostNames, fallback: [] as string[] },
  /** Colours of every screen: the OS preference, or fixed light or dark. */
  theme: {
    env: 'HEARTH_THEME',
    schema: z.enum(['system', 'light', 'dark']),
    fallback: 'system' as const,
  },
  /** scrypt hash of the PIN that leaves kiosk mode (set in Settings); never the PIN itself. */
  kioskPinHash: {
    env: 'HEARTH_KIOSK_PIN_HASH',
    schema: z.string().regex(KIOSK_PIN_HASH_PATTERN, 'not a kiosk PIN hash').optional(),
    fallback: undefined,
  },
  /** A JSON model catalog to offer instead of the built-in one (tests, local mirrors). */
  catalogFile: {
    env: 'HEARTH_CATALOG_FILE',
    schema: z.string().min(1).optional(),
    fallback: undefined,
  },
  /** A JSON voice model catalog to offer instead of the built-in one (tests, local mirrors). */
  voiceCatalogFile: {
    env: 'HEARTH_VOICE_CATALOG_FILE',
    schema: z.string().min(1).optional(),
    fallback: undefined,
  },
} as const;

type Settings = typeof settings;
/** A setting's name: its key in config.json. */
export type SettingName = keyof Settings;

/** The environment variable that sets this setting (and overrides config.json). */
export function settingVariable(name: SettingName): string {
  return settings[name].env;
}
export type HearthConfig = {
  [K in keyof Settings]: z.output<Settings[K]['schema']> | Settings[K]['fallback'];
} & { dataDir: string; configFile: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * True for a loopback address or name: 127.0.0.0/8, ::1 (bracketed or not),
 * IPv4-mapped 127.x and localhost. Only this machine can reach such a host.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  return /^127(\.\d{1,3}){3}$/.test(v4) && v4.split('.').every((part) => Number(part) <= 255);
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'hearth');
}

/** The settings config.json holds, checked for JSON and unknown keys; {} when there is no file. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: must hold a JSON object of settings`);
  }
  const known = new Set(Object.keys(settings));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`${path}: unknown setting "${key}"`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Whether the model setting names an address (an hf: URI or anything with a
 * URL scheme) rather than a file; whether it may be fetched is the fetcher's call.
 */
export function isRemoteModel(model: string): boolean {
  return /^(hf:|huggingface:|[a-z][a-z0-9+.-]*:\/\/)/i.test(model);
}

/** Where downloaded and copied-in models live: <dataDir>/models. */
export function modelsDirectory(dataDir: string): string {
  return join(dataDir, 'models');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HearthConfig {
  const dataDir = resolve(env.HEARTH_DATA_DIR || defaultDataDir(env));
  const configFile = join(dataDir, 'config.json');
  return resolveConfig(env, readConfigFile(configFile), { dataDir, configFile });
}

/**
 * The configuration from the environment over the given config.json contents,
 * checked as at start-up: what the next start would see with that file.
 */
export function resolveConfig(
  env: NodeJS.ProcessEnv,
  file: Record<string, unknown>,
  paths: Pick<HearthConfig, 'dataDir' | 'configFile'>,
): HearthConfig {
  const { configFile } = paths;
  const out: Record<string, unknown> = { ...paths };
  const whereFrom: Record<string, string> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const fromEnv = env[setting.env];
    const [raw, where] =
      fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, setting.env]
        : key in file
          ? [file[key], `${configFile} "${key}"`]
          : [undefined, ''];
    if (raw === undefined) {
      out[key] = setting.fallback;
      continue;
    }
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? 'invalid';
      throw new ConfigError(`${where}: invalid value ${JSON.stringify(raw)} (${why})`);
    }
    out[key] = parsed.data;
    whereFrom[key] = where;
  }
  const config = out as HearthConfig;
  // The built-in catalog's ids are known here; a catalog file's are checked
  // when voice starts, and an unknown one turns that half of voice off in words.
  if (config.voiceCatalogFile === undefined) {
    for (const [key, kind] of [
      ['voiceRecognizer', 'recognizer'],
      ['voiceVoice', 'voice'],
    ] as const) {
      const problem = voiceChoiceProblem(key, kind, config[key]);
      if (problem !== undefined) {
        throw new ConfigError(
          `${whereFrom[key]}: invalid value ${JSON.stringify(config[key])} (${problem})`,
        );
      }
    }
  }
  // A smaller gap lets sensor noise switch protection on and off.
  if (!(config.thermalTrigger - config.thermalResume >= THERMAL_MIN_GAP_C)) {
    throw new ConfigError(
      `HEARTH_THERMAL_TRIGGER (${config.thermalTrigger}) must be above HEARTH_THERMAL_RESUME (${config.thermalResume}) by at least ${THERMAL_MIN_GAP_C} °C`,
    );
  }
  if (!config.pairing && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      `HEARTH_PAIRING is off but HEARTH_HOST (${config.host}) is not loopback: anyone on the network could use Hearth; turn pairing on or listen on 127.0.0.1`,
    );
  }
  return config;
}
