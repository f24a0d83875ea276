// Settings come from HEARTH_* environment variables, then <dataDir>/config.json,
// then defaults. A bad value stops start-up with one line naming the setting.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes'].includes(v)));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);

/** Each setting: its environment variable, its config-file key, its schema and default. */
const settings = {
  host: { env: 'HEARTH_HOST', schema: z.string().min(1), fallback: '127.0.0.1' },
  port: { env: 'HEARTH_PORT', schema: int(0, 65535), fallback: 8737 },
  model: { env: 'HEARTH_MODEL', schema: z.string().min(1).optional(), fallback: undefined },
  threads: { env: 'HEARTH_THREADS', schema: int(1, 256).optional(), fallback: undefined },
  contextSize: { env: 'HEARTH_CONTEXT_SIZE', schema: int(64, 131072), fallback: 2048 },
  maxTokens: { env: 'HEARTH_MAX_TOKENS', schema: int(1, 32768), fallback: 512 },
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
  thermalTrigger: { env: 'HEARTH_THERMAL_TRIGGER', schema: num(40, 110), fallback: 85 },
  thermalResume: { env: 'HEARTH_THERMAL_RESUME', schema: num(30, 105), fallback: 80 },
  thermalPollMs: { env: 'HEARTH_THERMAL_POLL_MS', schema: int(100, 60000), fallback: 1000 },
  logLevel: {
    env: 'HEARTH_LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    fallback: 'info' as const,
  },
  windowed: { env: 'HEARTH_WINDOWED', schema: bool, fallback: false },
} as const;

type Settings = typeof settings;
export type HearthConfig = {
  [K in keyof Settings]: z.output<Settings[K]['schema']> | Settings[K]['fallback'];
} & { dataDir: string; configFile: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'hearth');
}

function readConfigFile(path: string): Record<string, unknown> {
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HearthConfig {
  const dataDir = resolve(env.HEARTH_DATA_DIR || defaultDataDir(env));
  const configFile = join(dataDir, 'config.json');
  const file = readConfigFile(configFile);
  const out: Record<string, unknown> = { dataDir, configFile };
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
  }
  const config = out as HearthConfig;
  if (!(config.thermalTrigger > config.thermalResume)) {
    throw new ConfigError(
      `HEARTH_THERMAL_TRIGGER (${config.thermalTrigger}) must be above HEARTH_THERMAL_RESUME (${config.thermalResume})`,
    );
  }
  return config;
}
