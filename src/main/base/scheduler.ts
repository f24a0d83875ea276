// Time for the thermal services, injectable so tests can run hours of a
// simulated board in milliseconds.

export interface Scheduler {
  /** ms since epoch. */
  now(): number;
  /** Calls fn every ms; returns a function that cancels it. */
  every(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};
