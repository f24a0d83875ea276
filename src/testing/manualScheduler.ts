// A clock for tests that moves only when told, so hours of board time run in milliseconds.
import type { Scheduler } from '../main/base/scheduler';

interface Job {
  id: number;
  interval: number;
  due: number;
  fn: () => void;
}

/** A clock that only moves when told to; due jobs run in time order. */
export class ManualScheduler implements Scheduler {
  #time: number;
  #jobs = new Map<number, Job>();
  #nextId = 1;

  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.#time = startMs;
  }

  now(): number {
    return this.#time;
  }

  every(ms: number, fn: () => void): () => void {
    const id = this.#nextId++;
    this.#jobs.set(id, { id, interval: Math.max(1, ms), due: this.#time + Math.max(1, ms), fn });
    return () => this.#jobs.delete(id);
  }

  /** Moves the clock forward by ms, running every job that falls due on the way. */
  advance(ms: number): void {
    const end = this.#time + ms;
    for (;;) {
      let next: Job | undefined;
      for (const job of this.#jobs.values()) {
        if (
          job.due <= end &&
          (!next || job.due < next.due || (job.due === next.due && job.id < next.id))
        ) {
          next = job;
        }
      }
      if (!next) break;
      this.#time = next.due;
      next.due += next.interval;
      next.fn();
    }
    this.#time = end;
  }

  /** Advances in steps until predicate() holds or maxMs passed; returns whether it held. */
  advanceUntil(predicate: () => boolean, maxMs: number, stepMs = 100): boolean {
    const end = this.#time + maxMs;
    while (!predicate()) {
      if (this.#time >= end) return false;
      this.advance(Math.min(stepMs, end - this.#time));
    }
    return true;
  }
}
