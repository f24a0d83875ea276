// The Pi's own sensors: the thermal zone file (millidegrees), and where they
// exist the Pi 5 extras: CPU clock (cpufreq), the Active Cooler's fan state
// and the firmware's throttling flags (vcgencmd get_throttled).
import { existsSync } from 'node:fs';
import { findFan, type Fan } from './fan';
import { FirmwareThrottle } from './firmwareThrottle';
import { describeReadError, parseMillidegrees, readSmallFile } from './sensorFiles';
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

type Extras = Omit<Extract<SensorSample, { ok: false }>, 'ok' | 'reason'>;

export class SysfsThermalSource implements ThermalSource {
  readonly zonePath: string;
  readonly #readText: (path: string) => string;
  readonly #cpuFreqPath: string | null;
  readonly #fan: Fan | undefined;
  readonly #firmware: FirmwareThrottle | undefined;
  #everRead = false;

  constructor(options: SysfsThermalSourceOptions) {
    this.zonePath = options.zonePath;
    this.#readText = options.readText ?? readSmallFile;
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
    const vcgencmd =
      options.vcgencmdPath === undefined
        ? (['/usr/bin/vcgencmd', '/opt/vc/bin/vcgencmd'].find((p) => existsSync(p)) ?? null)
        : options.vcgencmdPath;
    this.#firmware = vcgencmd
      ? new FirmwareThrottle(
          vcgencmd,
          options.vcgencmdIntervalMs ?? 10_000,
          options.now ?? Date.now,
        )
      : undefined;
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

  #extras(): Extras {
    const extras: Extras = {};
    const cpuMHz = this.#cpuMHz();
    if (cpuMHz !== undefined) extras.cpuMHz = cpuMHz;
    const fan = this.#fan?.state();
    if (fan !== undefined) extras.fan = fan;
    const throttled = this.#firmware?.throttled();
    if (throttled !== undefined) extras.firmwareThrottled = throttled;
    return extras;
  }

  #cpuMHz(): number | undefined {
    if (!this.#cpuFreqPath) return undefined;
    try {
      const khz = Number(this.#readText(this.#cpuFreqPath).trim());
      return Number.isFinite(khz) && khz > 0 ? Math.round(khz / 1000) : undefined;
    } catch {
      // cpufreq can vanish (CPU hotplug); the reading is still good without it.
      return undefined;
    }
  }

  /** Last firmware flags from vcgencmd (undefined without vcgencmd). */
  get throttleFlags(): number | undefined {
    return this.#firmware?.flags;
  }

  /** Ends a vcgencmd still running; the source asks it no more. */
  async dispose(): Promise<void> {
    await this.#firmware?.dispose();
  }
}
