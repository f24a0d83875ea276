// Saves settings changed while Hearth runs into <dataDir>/config.json. The new
// file is checked exactly as start-up checks it (same schemas, same rules,
// with this environment), so a save can never leave a file that stops the next
// start. It is written to a temporary file, fsynced and renamed over the old
// one: after a power cut the file is the old one or the new one, never half.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../base/atomicWrite';
import { nodeFileSystem } from '../base/fileSystem';
import { readConfigFile, resolveConfig, type HearthConfig, type SettingName } from './config';

/** New values by setting name; null removes the setting from the file (its default applies). */
export type ConfigChanges = Partial<Record<SettingName, unknown>>;

/** One save at a time per file, so two quick changes cannot lose one another. */
const saving = new Map<string, Promise<unknown>>();

/**
 * Merges changes into config.json and returns the configuration the next start
 * will see. Throws ConfigError (nothing written) when that would not start.
 */
export function saveConfigChanges(
  paths: Pick<HearthConfig, 'dataDir' | 'configFile'>,
  changes: ConfigChanges,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HearthConfig> {
  const previous = saving.get(paths.configFile) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => save(paths, changes, env));
  saving.set(paths.configFile, next);
  void next
    .catch(() => {})
    .finally(() => {
      if (saving.get(paths.configFile) === next) saving.delete(paths.configFile);
    });
  return next;
}

async function save(
  paths: Pick<HearthConfig, 'dataDir' | 'configFile'>,
  changes: ConfigChanges,
  env: NodeJS.ProcessEnv,
): Promise<HearthConfig> {
  const current = readConfigFile(paths.configFile);
  const file = Object.fromEntries(
    Object.entries({ ...current, ...changes })
      .map(([name, value]) => [name, value === undefined ? current[name] : value])
      .filter(([, value]) => value !== null && value !== undefined),
  );
  const config = resolveConfig(env, file, paths);
  await mkdir(dirname(paths.configFile), { recursive: true, mode: 0o700 });
  await writeFileAtomic(nodeFileSystem, paths.configFile, `${JSON.stringify(file, null, 2)}\n`);
  return config;
}
