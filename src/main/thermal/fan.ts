// The Active Cooler's state in words: a 'pwm-fan' cooling device gives its
// level, otherwise an hwmon fan gives its speed in rpm.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Fan {
  /** "off", "level 2 of 4" or "3400 rpm"; undefined when it cannot be read now. */
  state(): string | undefined;
}

/** Finds the board's fan, if it has one the kernel shows. */
export function findFan(
  thermalClassDir: string | null,
  hwmonDir: string | null,
  readText: (path: string) => string,
): Fan | undefined {
  const found = locate(thermalClassDir, hwmonDir, readText);
  if (!found) return undefined;
  return {
    state() {
      try {
        const value = Number(readText(found.path).trim());
        if (!Number.isFinite(value)) return undefined;
        if (found.kind === 'rpm') return `${value} rpm`;
        return value === 0 ? 'off' : `level ${value} of ${found.max}`;
      } catch {
        // The reading is still good without the fan's state.
        return undefined;
      }
    },
  };
}

function locate(
  thermalClassDir: string | null,
  hwmonDir: string | null,
  readText: (path: string) => string,
): { kind: 'state' | 'rpm'; path: string; max: number } | undefined {
  const list = (dir: string, prefix: string): string[] => {
    try {
      return readdirSync(dir)
        .filter((name) => name.startsWith(prefix))
        .sort();
    } catch {
      return [];
    }
  };
  if (thermalClassDir) {
    for (const name of list(thermalClassDir, 'cooling_device')) {
      const dir = join(thermalClassDir, name);
      try {
        if (readText(join(dir, 'type')).trim() !== 'pwm-fan') continue;
        const max = Number(readText(join(dir, 'max_state')).trim());
        return { kind: 'state', path: join(dir, 'cur_state'), max };
      } catch {
        continue;
      }
    }
  }
  if (hwmonDir) {
    for (const name of list(hwmonDir, 'hwmon')) {
      const path = join(hwmonDir, name, 'fan1_input');
      if (existsSync(path)) return { kind: 'rpm', path, max: 0 };
    }
  }
  return undefined;
}
