// A stand-in for the built renderer: just an index.html whose body says INDEX,
// so a test can tell the UI was served (and not an error or a redirect page).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the stand-in index.html contains, for tests that check it was served. */
export const BUILT_UI_MARKER = 'INDEX';

/** Writes `<root>/renderer/index.html` and returns the renderer folder, to serve as staticDir. */
export function writeBuiltUi(root: string): string {
  const staticDir = join(root, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(
    join(staticDir, 'index.html'),
    `<!doctype html><title>Hearth</title>${BUILT_UI_MARKER}`,
  );
  return staticDir;
}
