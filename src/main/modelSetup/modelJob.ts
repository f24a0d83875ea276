// One model being set up at a time: downloaded or copied in, checked, then
// loaded in place of the current one and remembered for the next start. Its
// progress goes to the owner's screens as 'modelDownload' events, a few per
// second at most; every change of state goes out at once.
import type { HearthEvent, ModelDownload, ModelStatus } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import { ModelDownloadError } from '../models/downloadError';
import { withoutPaths } from '../rpc/publicMessage';
import { CopyCancelled, CopyFailed } from './modelCopy';

export interface ModelJobDeps {
  logger: Logger;
  events: Emitter<HearthEvent>;
  /** Loads the model file; resolves with the settled status. */
  switchModel(path: string): Promise<ModelStatus>;
  /** Saves the model to load at the next start. */
  rememberModel(path: string): Promise<void>;
  /** Least time between progress events. Default 200 ms. */
  progressEveryMs?: number;
}

/** Moves the model's bytes into place and returns the path of the model file. */
export type ModelWork = (
  signal: AbortSignal,
  progress: (patch: Partial<ModelDownload>) => void,
) => Promise<string>;

interface RunningJob {
  state: ModelDownload;
  controller: AbortController;
  done: Promise<void>;
  /** The model file, once its bytes are in place and it is being loaded. */
  path?: string;
}

export class ModelJobs {
  readonly #deps: ModelJobDeps;
  #running: RunningJob | undefined;
  #last: ModelDownload | null = null;
  #lastSentAt = 0;
  #closed = false;

  constructor(deps: ModelJobDeps) {
    this.#deps = deps;
  }

  /** The job under way, else how the last one ended; null before the first. */
  current(): ModelDownload | null {
    return this.#running?.state ?? this.#last;
  }

  /** The model file the job under way is loading, if it has got that far. */
  loadingPath(): string | undefined {
    return this.#running?.path;
  }

  /** Starts a job and returns its first state; refused while another runs. */
  start(first: ModelDownload, work: ModelWork): ModelDownload {
    if (this.#closed) throw new ApiFailure('model_unavailable', 'Hearth is shutting down');
    if (this.#running) {
      throw new ApiFailure(
        'busy',
        `${this.#running.state.model} is still being set up; cancel it or wait until it is done.`,
      );
    }
    const controller = new AbortController();
    const job: RunningJob = { state: first, controller, done: Promise.resolve() };
    this.#running = job;
    this.#send(job, true);
    job.done = this.#run(job, work);
    return first;
  }

  /** Cancels the download or copy under way; a model already loading cannot be cancelled. */
  cancel(): boolean {
    const job = this.#running;
    if (!job || job.state.state === 'loading' || job.controller.signal.aborted) return false;
    job.controller.abort();
    return true;
  }

  /** Cancels the job under way and waits until it has stopped. */
  async close(): Promise<void> {
    this.#closed = true;
    const job = this.#running;
    job?.controller.abort();
    await job?.done;
  }

  async #run(job: RunningJob, work: ModelWork): Promise<void> {
    const { logger } = this.#deps;
    const update = (patch: Partial<ModelDownload>, force = false): void => {
      const changed = patch.state !== undefined && patch.state !== job.state.state;
      job.state = { ...job.state, ...patch };
      this.#send(job, force || changed);
    };
    try {
      const path = await work(job.controller.signal, (patch) => update(patch));
      if (job.controller.signal.aborted) throw new CopyCancelled('cancelled');
      job.path = path;
      update({ state: 'loading', bytesPerSecond: 0, secondsLeft: null });
      const status = await this.#deps.switchModel(path);
      if (status.state !== 'ready') {
        update({ state: 'failed', error: withoutPaths(status.error ?? 'The model did not load.') });
        return;
      }
      await this.#deps
        .rememberModel(path)
        .catch((error: unknown) =>
          logger.error('model_choice_not_saved', { error: String(error) }),
        );
      update({ state: 'done', secondsLeft: 0, bytesPerSecond: 0 });
      logger.info('model_set_up', { model: job.state.model, path });
    } catch (error) {
      const cancelled = job.controller.signal.aborted;
      update({
        state: cancelled ? 'cancelled' : 'failed',
        bytesPerSecond: 0,
        secondsLeft: null,
        error: failureText(job.state, error, cancelled),
      });
      if (!cancelled && !(error instanceof ModelDownloadError || error instanceof ApiFailure)) {
        logger.error('model_setup_failed', { model: job.state.model, error: String(error) });
      }
    } finally {
      this.#last = job.state;
      this.#running = undefined;
    }
  }

  #send(job: RunningJob, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastSentAt < (this.#deps.progressEveryMs ?? 200)) return;
    this.#lastSentAt = now;
    this.#deps.events.fire({ type: 'modelDownload', download: job.state });
  }
}

/** The one sentence the owner reads about a failed or cancelled job. */
function failureText(state: ModelDownload, error: unknown, cancelled: boolean): string {
  const name = state.model;
  if (error instanceof ModelDownloadError) {
    if (error.failure.kind === 'unverified') {
      return `Downloaded ${name} but did not install it, because there was no sha256 to check it against; download it again with its sha256.`;
    }
    return withoutPaths(error.message);
  }
  if (cancelled || error instanceof CopyCancelled) {
    return state.state === 'copying'
      ? `Cancelled copying ${name}.`
      : `Cancelled setting up ${name}.`;
  }
  if (error instanceof ApiFailure || error instanceof CopyFailed) {
    return withoutPaths(error.message);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return withoutPaths(`Could not set up ${name}: ${reason.replace(/\.$/, '')}.`);
}
