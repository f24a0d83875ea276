// The Pi's own sensors: the thermal zone file (millidegrees), and where they
// exist the Pi 5 extras: CPU clock (cpufreq), the Active Cooler's fan state
// and the firmware's throttling flags (vcgencmd get_throttled).
import { execFile, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { SensorSample, ThermalSource } from './source';

export interface SysfsThermalSourceOptions {
  /** The zone file, e.g. /sys/class/thermal/thermal_zone0/temp. */
  zonePath: string;
  /** cpufreq file in kHz; default cpu0's scaling_cur_freq. null to skip. */
  cpuFreqPath?: string | null;
  /** Where cooling_device* live (a 'pwm-fan' is the Active Cooler). null to skip. */
  thermalClassDir?: string | null;
  /** Where hwmon* live (fan1_input in rpm). null to skip. */
  hwmonDir?: string | null;
  /** vcgencmd executable; default: found in /usr/bin or /opt/vc/bin. null to skip. */
  vcgencmdPath?: string | null;
  /** How often vcgencmd may run, at most. Default 10 s: it forks a process. */
  vcgencmdIntervalMs?: number;
  /** Reads a small text file; injectable to simulate faults such as EACCES. */
  readText?: (path: string) => string;
  now?: () => number;
}

const buffer = Buffer.alloc(256);

/** open + read + close into a reused buffer: no stat, no allocation beyond the string. */
export function readSmallFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } finally {
    closeSync(fd);
  }
}

function describeReadError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no temperature sensor at ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied reading ${path}`;
    default:
      return `cannot read ${path} (${code ?? (error as Error).message})`;
  }
}

/** Millidegrees text to °C, or a reason why it is not a reading. */
export function parseMillidegrees(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'the sensor gave an empty reading';
  if (!/^-?\d{1,7}$/.test(trimmed)) {
    const shown = trimmed.length > 24 ? `${trimmed.slice(0, 24)}…` : trimmed;
    return `the sensor gave an unreadable value ${JSON.stringify(shown)}`;
  }
  return Number(trimmed) / 1000;
}

/** Firmware flags that mean the clock is being held back right now. */
const throttledNow = 0x2 | 0x4 | 0x8; // ARM frequency capped, throttled, soft temperature limit

export function parseThrottled(output: string): number | undefined {
  const match = /throttled=(0x[0-9a-f]+)/i.exec(output);
  return match?.[1] ? Number.parseInt(match[1], 16) : undefined;
}

function findFan(
  thermalClassDir: string | null,
  hwmonDir: string | null,
  readText: (p: string) => string,
) {
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
        return { kind: 'state' as const, path: join(dir, 'cur_state'), max };
      } catch {
        continue;
      }
    }
  }
  if (hwmonDir) {
    for (const name of list(hwmonDir, 'hwmon')) {
      const path = join(hwmonDir, name, 'fan1_input');
      if (existsSync(path)) return { kind: 'rpm' as const, path, max: 0 };
    }
  }
  return undefined;
}

export class SysfsThermalSource implements ThermalSource {
  readonly zonePath: string;
  readonly #readText: (path: string) => string;
  readonly #now: () => number;
  readonly #cpuFreqPath: string | null;
  readonly #fan: ReturnType<typeof findFan>;
  readonly #vcgencmd: string | null;
  readonly #vcgencmdIntervalMs: number;
  #vcgencmdLastRun = Number.NEGATIVE_INFINITY;
  #vcgencmdChild: ChildProcess | undefined;
  #vcgencmdExited: Promise<void> | undefined;
  #throttleFlags: number | undefined;
  #everRead = false;
  #closed = false;

  constructor(options: SysfsThermalSourceOptions) {
    this.zonePath = options.zonePath;
    this.#readText = options.readText ?? readSmallFile;
    this.#now = options.now ?? Date.now;
    const cpuFreq =
      options.cpuFreqPath === undefined
        ? '/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq'
        : options.cpuFreqPath;
    this.#cpuFreqPath = cpuFreq && existsSync(cpuFreq) ? cpuFreq : null;
    this.#fan = findFan(
      options.thermalClassDir === undefined ? '/sys/class/thermal' : options.thermalClassDir,
      options.hwmonDir === undefined ? '/sys/class/hwmon' : options.hwmonDir,
      this.#readText,
    );
    this.#vcgencmd =
      options.vcgencmdPath === undefined
        ? (['/usr/bin/vcgencmd', '/opt/vc/bin/vcgencmd'].find((p) => existsSync(p)) ?? null)
        : options.vcgencmdPath;
    this.#vcgencmdIntervalMs = options.vcgencmdIntervalMs ?? 10_000;
  }

  get kind(): 'sysfs' | 'none' {
    return this.#everRead ? 'sysfs' : 'none';
  }

  read(): SensorSample {
    const extras = this.#extras();
    let text: string;
    try {
      text = this.#readText(this.zonePath);
    } catch (error) {
      return { ok: false, reason: describeReadError(this.zonePath, error), ...extras };
    }
    const parsed = parseMillidegrees(text);
    if (typeof parsed === 'string') return { ok: false, reason: parsed, ...extras };
    this.#everRead = true;
    return { ok: true, temperatureC: parsed, ...extras };
  }

  #extras(): { cpuMHz?: number; fan?: string; firmwareThrottled?: boolean } {
    const extras: { cpuMHz?: number; fan?: string; firmwareThrottled?: boolean } = {};
    if (this.#cpuFreqPath) {
      try {
        const khz = Number(this.#readText(this.#cpuFreqPath).trim());
        if (Number.isFinite(khz) && khz > 0) extras.cpuMHz = Math.round(khz / 1000);
      } catch {
        // cpufreq can vanish (CPU hotplug); the reading is still good without it.
      }
    }
    if (this.#fan) {
      try {
        const value = Number(this.#readText(this.#fan.path).trim());
        if (Number.isFinite(value)) {
          extras.fan =
            this.#fan.kind === 'rpm'
              ? `${value} rpm`
              : value === 0
                ? 'off'
                : `level ${value} of ${this.#fan.max}`;
        }
      } catch {
        // as above
      }
    }
    this.#maybeRunVcgencmd();
    if (this.#throttleFlags !== undefined) {
      extras.firmwareThrottled = (this.#throttleFlags & throttledNow) !== 0;
    }
    return extras;
  }

  /** Starts vcgencmd in the background when due; its answer is used from the next read on. */
  #maybeRunVcgencmd(): void {
    if (!this.#vcgencmd || this.#closed || this.#vcgencmdChild) return;
    const now = this.#now();
    if (now - this.#vcgencmdLastRun < this.#vcgencmdIntervalMs) return;
    this.#vcgencmdLastRun = now;
    this.#vcgencmdExited = new Promise<void>((resolve) => {
      this.#vcgencmdChild = execFile(
        this.#vcgencmd as string,
        ['get_throttled'],
        { timeout: 5000, encoding: 'utf8' },
        (error, stdout) => {
          this.#vcgencmdChild = undefined;
          if (!error) this.#throttleFlags = parseThrottled(stdout) ?? this.#throttleFlags;
          resolve();
        },
      );
    });
  }

  /** Last firmware flags from vcgencmd (undefined without vcgencmd). */
  get throttleFlags(): number | undefined {
    return this.#throttleFlags;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#vcgencmdChild?.kill();
    await this.#vcgencmdExited;
  }
}
