// Leak guard: filled in by the threads work (issue 3); fails a test that leaves workers, servers or timers.
export {};
