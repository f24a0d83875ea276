// Whether the Pi's firmware is holding the clock back, from `vcgencmd
// get_throttled`. vcgencmd forks a process, so it runs in the background at
// most once per interval and a read uses the last answer.
import { execFile, type ChildProcess } from 'node:child_process';

/** Firmware flags that mean the clock is being held back right now. */
const throttledNow = 0x2 | 0x4 | 0x8; // ARM frequency capped, throttled, soft temperature limit

export function parseThrottled(output: string): number | undefined {
  const match = /throttled=(0x[0-9a-f]+)/i.exec(output);
  return match?.[1] ? Number.parseInt(match[1], 16) : undefined;
}

export class FirmwareThrottle {
  readonly #vcgencmd: string;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastRun = Number.NEGATIVE_INFINITY;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  #flags: number | undefined;
  #disposed = false;

  constructor(vcgencmd: string, intervalMs: number, now: () => number) {
    this.#vcgencmd = vcgencmd;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Last flags vcgencmd gave (undefined until its first answer). */
  get flags(): number | undefined {
    return this.#flags;
  }

  /** Asks vcgencmd again when due; returns what its last answer said. */
  throttled(): boolean | undefined {
    this.#refreshWhenDue();
    return this.#flags === undefined ? undefined : (this.#flags & throttledNow) !== 0;
  }

  /** Ends a vcgencmd still running and asks no more. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#child?.kill();
    await this.#exited;
  }

  #refreshWhenDue(): void {
    if (this.#disposed || this.#child) return;
    const now = this.#now();
    if (now - this.#lastRun < this.#intervalMs) return;
    this.#lastRun = now;
    this.#exited = new Promise<void>((resolve) => {
      this.#child = execFile(
        this.#vcgencmd,
        ['get_throttled'],
        { timeout: 5000, encoding: 'utf8' },
        (error, stdout) => {
          this.#child = undefined;
          if (!error) this.#flags = parseThrottled(stdout) ?? this.#flags;
          resolve();
        },
      );
    });
  }
}
