import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../testing/loggers';
import { ManagedThread, ThreadError } from './managedThread';
import { threadRegistry } from './registry';
import { fixture, silentLogger } from '../../testing/threadFixtures';
import { workerModule } from './workerModule';

function coreLoad(logger = createMemoryLogger(), name = 'core-load'): ManagedThread {
  return new ManagedThread({ name, module: workerModule('coreLoad'), logger });
}

function firstMessage(thread: ManagedThread): Promise<unknown> {
  return new Promise((resolve) => {
    const off = thread.onMessage((message) => {
      off();
      resolve(message);
    });
  });
}

/** Starts the thread and waits for its end, which must be a ThreadError from start() or join(). */
async function failureOf(thread: ManagedThread): Promise<ThreadError> {
  const outcome = await thread
    .start()
    .then(() => thread.join(5000))
    .catch((e: unknown) => e);
  expect(outcome).toBeInstanceOf(ThreadError);
  return outcome as ThreadError;
}

describe('ManagedThread', () => {
  test('runs only after an explicit start, stops on request and joins', async () => {
    const logger = createMemoryLogger();
    const thread = coreLoad(logger);
    expect(thread.state).toBe('created');
    expect(threadRegistry.size).toBe(0);
    const ready = firstMessage(thread);
    await thread.start();
    expect(await ready).toEqual({ type: 'ready' });
    expect(threadRegistry.list()).toEqual([
      expect.objectContaining({ name: 'core-load', id: thread.threadId }),
    ]);
    // Still busy: a join with a short timeout reports it is still running.
    expect(await thread.join(50)).toBe(false);
    thread.stop();
    expect(await thread.join(5000)).toBe(true);
    expect(thread.state).toBe('exited');
    expect(thread.exitCode).toBe(0);
    expect(threadRegistry.size).toBe(0);
    const events = logger.entries.map((e) => e.eventType);
    expect(events).toEqual(
      expect.arrayContaining(['thread_started', 'thread_join_timeout', 'thread_stop_requested']),
    );
  });

  test('cannot be started twice', async () => {
    await using thread = coreLoad();
    await thread.start();
    await expect(thread.start()).rejects.toThrow(/already started/);
  });

  test('await using stops and joins the thread at the end of the block', async () => {
    let seen: ManagedThread | undefined;
    {
      await using thread = coreLoad();
      seen = thread;
      await thread.start();
      expect(threadRegistry.size).toBe(1);
    }
    expect(seen.state).toBe('exited');
    expect(seen.exitCode).toBe(0);
    expect(threadRegistry.size).toBe(0);
  });

  test('a worker that ignores the stop request is terminated on dispose, with a warning', async () => {
    const logger = createMemoryLogger();
    const thread = new ManagedThread({
      name: 'stubborn',
      module: fixture('ignoresStop'),
      logger,
      disposeTimeoutMs: 200,
    });
    const ready = firstMessage(thread);
    await thread.start();
    await ready;
    const started = Date.now();
    await thread[Symbol.asyncDispose]();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(thread.state).toBe('exited');
    expect(threadRegistry.size).toBe(0);
    const warning = logger.entries.find((e) => e.eventType === 'thread_terminated');
    expect(warning).toMatchObject({ level: 'warn', context: { name: 'stubborn' } });
    expect(logger.entries.some((e) => e.eventType === 'thread_join_timeout')).toBe(true);
  });

  test('an exception in the worker reaches the owner with its message and stack', async () => {
    const logger = createMemoryLogger();
    await using thread = new ManagedThread({ name: 'fails', module: fixture('throws'), logger });
    const viaListener = new Promise<ThreadError>((resolve) => thread.onError(resolve));
    await thread.start();
    const joined = thread.join(5000);
    await expect(joined).rejects.toBeInstanceOf(ThreadError);
    const error = (await joined.catch((e: unknown) => e)) as ThreadError;
    expect(error.message).toContain('worker failed on purpose: later');
    expect(error.stack).toContain('explodeDeepInside');
    expect(error.stack).toContain('throws.mjs');
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(await viaListener).toBe(thread.error);
    const logged = logger.entries.find((e) => e.eventType === 'thread_error');
    expect(logged?.level).toBe('error');
    expect(String(logged?.context.stack)).toContain('explodeDeepInside');
  });

  test('an exception while the worker module loads rejects start() or join()', async () => {
    await using thread = new ManagedThread({
      name: 'fails-at-load',
      module: fixture('throws'),
      data: { beforeOnline: true },
      logger: createMemoryLogger(),
    });
    expect((await failureOf(thread)).message).toContain('at load');
  });

  test('a missing worker file is an error the owner sees, not a crash', async () => {
    await using thread = new ManagedThread({
      name: 'missing',
      module: fixture('doesNotExist'),
      logger: createMemoryLogger(),
    });
    await failureOf(thread);
    expect(threadRegistry.size).toBe(0);
  });

  test('stop and dispose before start are harmless', async () => {
    const thread = coreLoad();
    thread.stop();
    expect(await thread.join(10)).toBe(true);
    await thread[Symbol.asyncDispose]();
    expect(threadRegistry.size).toBe(0);
  });

  test(
    '1,000 start/stop cycles leave zero live threads and no memory growth',
    { timeout: 240_000 },
    async () => {
      const LANES = 4;
      const gc = exposeGc();
      const cycle = async (): Promise<void> => {
        const thread = new ManagedThread({
          name: 'cycle',
          module: workerModule('coreLoad'),
          logger: silentLogger,
        });
        await thread.start();
        thread.stop();
        expect(await thread.join(5000)).toBe(true);
      };
      const measure = (): { heap: number; rss: number } => {
        gc();
        gc();
        const usage = process.memoryUsage();
        return { heap: usage.heapUsed, rss: usage.rss };
      };
      // A worker boots on its own thread while the owner only waits, so a few
      // cycles run side by side (each lane still starts, stops and joins one
      // thread at a time; 1,000 in all); after every batch none may be left.
      const runCycles = async (count: number): Promise<void> => {
        let left = count;
        const lane = async (): Promise<void> => {
          while (left > 0) {
            left--;
            await cycle();
          }
        };
        await Promise.all(Array.from({ length: Math.min(LANES, count) }, lane));
        expect(threadRegistry.size).toBe(0);
      };
      // Warm up allocator and code caches before the baseline.
      await runCycles(50);
      const baseline = measure();
      for (let done = 0; done < 950; done += 95) await runCycles(95);
      const after = measure();
      expect(threadRegistry.size).toBe(0);
      const mb = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
      console.log(
        `1,000 cycles: heap ${mb(baseline.heap)} -> ${mb(after.heap)} MiB, rss ${mb(baseline.rss)} -> ${mb(after.rss)} MiB`,
      );
      // A leaked worker costs megabytes (its own V8 isolate), a leaked
      // listener or buffer per cycle would show as steady heap growth.
      expect(after.heap - baseline.heap).toBeLessThan(4 * 2 ** 20);
      expect(after.rss - baseline.rss).toBeLessThan(64 * 2 ** 20);
    },
  );
});

/** A real gc() even without --expose-gc, so memory figures are not GC noise. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
