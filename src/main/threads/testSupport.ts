// Test helpers for thread tests (not used by the app).

export const fixture = (name: string): URL =>
  new URL(`./__fixtures__/${name}.mjs`, import.meta.url);

export { silentLogger } from '../log';
