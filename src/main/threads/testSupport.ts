// Test helpers for thread tests (not used by the app).
import type { Logger } from '../log';

export const fixture = (name: string): URL =>
  new URL(`./__fixtures__/${name}.mjs`, import.meta.url);

/** Drops every entry: for loops where a memory logger would itself look like a leak. */
export const silentLogger: Logger = {
  log: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  critical: () => {},
  debug: () => {},
};
