// A worker thread that always stops: started explicitly, asked to stop through
// shared memory the worker polls cheaply (workerSide.mjs shouldStop()), joined
// with a timeout, terminated if it ignores the request, disposable with
// `await using`, and its exceptions re-raised to the owner.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../base/log';
import { threadRegistry, type ThreadRegistry } from './registry';

export type ThreadState = 'created' | 'starting' | 'running' | 'stopping' | 'exited';

export interface ManagedThreadOptions {
  /** Shown in logs and in the registry. */
  name: string;
  /** The worker file (an ES module), e.g. workerModule('coreLoad'). */
  module: URL | string;
  /** Structured-cloneable input, read in the worker with threadInput(). */
  data?: unknown;
  logger: Logger;
  registry?: ThreadRegistry;
  /** How long disposal waits for a voluntary exit before terminating. Default 5000 ms. */
  disposeTimeoutMs?: number;
}

/** A worker's exception, as the owner sees it: the worker's message and stack. */
export class ThreadError extends Error {
  override name = 'ThreadError';
  constructor(
    readonly threadName: string,
    cause: Error,
  ) {
    super(`thread "${threadName}" failed: ${cause.message}`, { cause });
    // The worker's own stack is what helps; keep it, under our message.
    this.stack = `${this.name}: ${this.message}\n${(cause.stack ?? '').split('\n').slice(1).join('\n')}`;
  }
}

interface Exit {
  code: number;
  error?: ThreadError;
}

export class ManagedThread {
  readonly name: string;
  readonly #options: ManagedThreadOptions;
  readonly #log: Logger;
  readonly #registry: ThreadRegistry;
  readonly #stopFlag = new Int32Array(new SharedArrayBuffer(4));
  readonly #messageListeners = new Set<(message: unknown) => void>();
  readonly #errorListeners = new Set<(error: ThreadError) => void>();
  #worker: Worker | undefined;
  #state: ThreadState = 'created';
  #error: ThreadError | undefined;
  #exitCode: number | undefined;
  #exited: Promise<Exit> | undefined;
  #startedAt = 0;
  #threadId = -1;

  constructor(options: ManagedThreadOptions) {
    this.name = options.name;
    this.#options = options;
    this.#log = options.logger;
    this.#registry = options.registry ?? threadRegistry;
  }

  get state(): ThreadState {
    return this.#state;
  }

  get threadId(): number {
    return this.#threadId;
  }

  /** The worker's exception, once it has failed. */
  get error(): ThreadError | undefined {
    return this.#error;
  }

  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /**
   * Starts the worker. Resolves once it runs JavaScript; rejects with a
   * ThreadError if it fails before that (e.g. the module cannot be loaded).
   */
  start(): Promise<void> {
    if (this.#state !== 'created') {
      return Promise.reject(new Error(`thread "${this.name}" was already started`));
    }
    this.#state = 'starting';
    this.#startedAt = Date.now();
    const worker = new Worker(this.#options.module, {
      // Worker files are plain ES modules: no need to inherit loaders such as tsx.
      execArgv: [],
      workerData: { __hearthThread: { stop: this.#stopFlag.buffer, data: this.#options.data } },
    });
    this.#worker = worker;
    this.#threadId = worker.threadId;
    this.#registry.add(this, { id: worker.threadId, name: this.name, startedAt: this.#startedAt });

    worker.on('message', (message: unknown) => {
      for (const listener of this.#messageListeners) listener(message);
    });
    worker.on('error', (raw: unknown) => {
      const cause = raw instanceof Error ? raw : new Error(String(raw));
      const error = new ThreadError(this.name, cause);
      this.#error ??= error;
      this.#log.error('thread_error', {
        name: this.name,
        threadId: this.#threadId,
        message: cause.message,
        stack: cause.stack,
      });
      for (const listener of this.#errorListeners) {
        try {
          listener(error);
        } catch (listenerError) {
          this.#log.error('thread_error_listener_failed', {
            name: this.name,
            message: (listenerError as Error).message,
          });
        }
      }
    });
    this.#exited = new Promise<Exit>((resolve) => {
      worker.once('exit', (code) => {
        this.#state = 'exited';
        this.#exitCode = code;
        this.#registry.delete(this);
        this.#worker = undefined;
        this.#log.debug('thread_exited', {
          name: this.name,
          threadId: this.#threadId,
          exitCode: code,
          runMs: Date.now() - this.#startedAt,
        });
        resolve({ code, error: this.#error });
      });
    });

    this.#log.info('thread_started', { name: this.name, threadId: this.#threadId });
    return new Promise<void>((resolve, reject) => {
      const onOnline = (): void => {
        if (this.#state === 'starting') this.#state = 'running';
        resolve();
      };
      worker.once('online', onOnline);
      void this.#exited?.then((exit) => {
        worker.off('online', onOnline);
        if (exit.error) reject(exit.error);
        else resolve();
      });
    });
  }

  /** Asks the worker to stop; it sees shouldStop() return true. Idempotent. */
  stop(): void {
    if (Atomics.load(this.#stopFlag, 0) !== 0) return;
    Atomics.store(this.#stopFlag, 0, 1);
    Atomics.notify(this.#stopFlag, 0);
    if (this.#state === 'starting' || this.#state === 'running') {
      this.#state = 'stopping';
      this.#log.info('thread_stop_requested', { name: this.name, threadId: this.#threadId });
    }
  }

  /**
   * Waits for the worker to exit: true once it has (or was never started),
   * false after timeoutMs. Rejects with the worker's ThreadError if it exited
   * by an exception.
   */
  async join(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (!this.#exited) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#exited, timedOut]);
      if (outcome === 'timeout') {
        this.#log.warn('thread_join_timeout', {
          name: this.name,
          threadId: this.#threadId,
          timeoutMs,
        });
        return false;
      }
      if (outcome.error) throw outcome.error;
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the worker at once, wherever it is. */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await worker.terminate();
    await this.#exited;
  }

  postMessage(message: unknown): void {
    this.#worker?.postMessage(message);
  }

  onMessage(listener: (message: unknown) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onError(listener: (error: ThreadError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /**
   * Stops, waits up to timeoutMs for a voluntary exit, then terminates (with a
   * warning). Never throws: a worker exception was already logged and is
   * available from join(), error and onError.
   */
  async close(timeoutMs = this.#options.disposeTimeoutMs ?? 5000): Promise<void> {
    if (!this.#exited) {
      this.#state = 'exited';
      return;
    }
    this.stop();
    const exited = await this.join(timeoutMs).catch(() => true);
    if (!exited) {
      this.#log.warn('thread_terminated', {
        name: this.name,
        threadId: this.#threadId,
        reason: `ignored the stop request for ${timeoutMs} ms`,
      });
      await this.terminate();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
