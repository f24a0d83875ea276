// Test helpers for thread tests (not used by the app).

export const fixture = (name: string): URL => new URL(`./workers/${name}.mjs`, import.meta.url);

export { silentLogger } from './loggers';
