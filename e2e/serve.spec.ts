// The command-line contract of `npm run serve` and `npm start`, as the README gives it:
// what they print, how a bad setting stops them, and that SIGTERM ends them cleanly.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertBuilt,
  baseEnv,
  expect,
  HearthProcess,
  repoRoot,
  serveScript,
  test,
} from './fixtures';

test('serve prints where it listens, where to pair and the owner page, and stops on SIGTERM', async ({
  request,
  hearth,
}) => {
  const server = await hearth.start();
  expect(server.url).toBe(`http://127.0.0.1:${hearth.port}`);
  // The pairing URL carries a one-time code.
  const pairLine = new RegExp(`^Pair a device: ${server.url}/pair\\?code=[\\w-]{16,}$`);
  await expect.poll(() => server.output.some((line) => pairLine.test(line))).toBe(true);
  // Then the owner page, on loopback, with the owner secret stored in the data directory.
  const secret = readFileSync(join(hearth.dataDir, 'owner-secret'), 'utf8').trim();
  const ownerLine = `Owner page: ${server.url}/owner?secret=${secret}`;
  expect(secret).toMatch(/^[\w-]{43}$/);
  const printed = server.output.filter((line) => !line.startsWith('{'));
  expect(printed.slice(-2)).toEqual([expect.stringMatching(pairLine), ownerLine]);
  const health = await request.get(`${server.url}/healthz`);
  expect(health.ok()).toBe(true);
  expect(health.headers()['content-security-policy']).toContain("default-src 'self'");
  expect(await server.stop()).toBe(0);
});

test('a bad setting stops serve with one line naming it', async ({ hearth }) => {
  assertBuilt();
  const result = spawnSync(process.execPath, [serveScript], {
    cwd: repoRoot,
    env: { ...process.env, ...baseEnv(hearth.dataDir, hearth.port), HEARTH_PORT: 'eighty' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^HEARTH_PORT: invalid value "eighty"/);
  expect(result.stdout).not.toContain('Hearth listening on');
});

test('npm start says in one line that it runs headless without the Electron runtime', async ({
  hearth,
}) => {
  const start = new HearthProcess(
    {
      ...baseEnv(hearth.dataDir, hearth.port),
      // No fetch, and an empty runtime folder: the runtime is missing even on a
      // machine that has one installed, so this runs the same everywhere.
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      ELECTRON_OVERRIDE_DIST_PATH: hearth.scratch,
    },
    join(repoRoot, 'scripts', 'start.mjs'),
  );
  try {
    await start.start();
    const notices = start.output.filter((line) => /Electron runtime/.test(line));
    expect(notices).toEqual([
      'Electron runtime not installed here; running headless instead (npm run serve)',
    ]);
    expect(start.url).toBe(`http://127.0.0.1:${hearth.port}`);
    // start.mjs passes SIGTERM on to the server and exits with its status.
    expect(await start.stop()).toBe(0);
  } finally {
    await start.kill();
  }
});
