// Headless start-to-ready: spawn the built server, wait until /healthz says the
// model is ready, read its resident memory, stop it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartupFigures {
  readyMs: number;
  rssMiB: number;
}

/** A process's resident memory now, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** A headless Hearth (the built serve.js) whose model is ready; stop() ends it and removes its data. */
export interface ReadyHearth {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns serve.js with these variables over the bench's defaults and waits until /healthz says ready. */
export async function startReadyHearth(
  serveJs: string,
  modelPath: string,
  dataDirPrefix: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ReadyHearth> {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const child = spawn(process.execPath, [serveJs], {
    env: {
      ...process.env,
      HEARTH_DATA_DIR: dataDir,
      HEARTH_MODEL: modelPath,
      HEARTH_THREADS: '1',
      HEARTH_PORT: '0',
      HEARTH_HOST: '127.0.0.1',
      HEARTH_THERMAL_ZONE: join(dataDir, 'no-sensor'),
      HEARTH_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Hearth listening on (http:\/\/\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve.js exited early (${code})`)));
    });
    for (;;) {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { model: { state: string } };
      if (health.model.state === 'ready') break;
      if (health.model.state === 'error') throw new Error('model failed to load');
      await new Promise((r) => setTimeout(r, 10));
    }
    return { url, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function measureStartup(serveJs: string, modelPath: string): Promise<StartupFigures> {
  const start = performance.now();
  const hearth = await startReadyHearth(serveJs, modelPath, 'hearth-bench-start-');
  try {
    const readyMs = performance.now() - start;
    return { readyMs, rssMiB: rssMiB(hearth.pid) };
  } finally {
    await hearth.stop();
  }
}
