// How long the server's own work held its event loop. A timer that should fire
// every few milliseconds fires late when the loop is busy, and also when the
// operating system gave the CPU to another process; on a shared two-core test
// machine the second kind is common and says nothing about the server. So each
// late tick counts only as much of its lateness as this process spent on the
// CPU meanwhile: a loop stalled by its own work burns CPU the whole time, one
// waiting for a core does not.

export interface StallFigures {
  /** Longest lateness of one tick, whatever its cause (ms). */
  rawMaxMs: number;
  /** Longest lateness this process spent on the CPU: its own stall (ms). */
  ownMaxMs: number;
  ticks: number;
}

export class StallMonitor {
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #lastWall = 0;
  #lastCpu = 0;
  #figures: StallFigures = { rawMaxMs: 0, ownMaxMs: 0, ticks: 0 };

  constructor(intervalMs = 5) {
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.stop();
    this.#figures = { rawMaxMs: 0, ownMaxMs: 0, ticks: 0 };
    this.#mark();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The figures since the last reset; resetting starts a new window. */
  read(reset = false): StallFigures {
    const figures = { ...this.#figures };
    if (reset) this.#figures = { rawMaxMs: 0, ownMaxMs: 0, ticks: 0 };
    return figures;
  }

  #mark(): void {
    this.#lastWall = performance.now();
    const cpu = process.cpuUsage();
    this.#lastCpu = (cpu.user + cpu.system) / 1000;
  }

  #tick(): void {
    const wall = performance.now();
    const usage = process.cpuUsage();
    const cpu = (usage.user + usage.system) / 1000;
    const late = Math.max(0, wall - this.#lastWall - this.#intervalMs);
    const busy = cpu - this.#lastCpu;
    this.#lastWall = wall;
    this.#lastCpu = cpu;
    const figures = this.#figures;
    figures.ticks++;
    figures.rawMaxMs = Math.max(figures.rawMaxMs, late);
    figures.ownMaxMs = Math.max(figures.ownMaxMs, Math.min(late, busy));
  }
}
