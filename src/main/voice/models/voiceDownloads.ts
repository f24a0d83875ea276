// Settings > Voice's downloads (VoiceModelsPort): the catalog with what is
// installed and half-fetched, which recognizer and voice are chosen and in use,
// and one download job at a time that fetches the ids it was given in order.
// Its progress reaches the owner's screens as 'voiceModelDownload' events, a
// few per second at most, every change of state at once; bytes and total run
// across the whole job. After a model is installed or removed, onModelsChanged
// tells the voice service, which picks its engines again.
import type { HearthEvent } from '../../../shared/api';
import type { Emitter } from '../../../shared/emitter';
import type {
  VoiceEngineChoice,
  VoiceModelDownload,
  VoiceModelList,
} from '../../../shared/voiceModelsSchema';
import type { Logger } from '../../base/log';
import { ApiFailure } from '../../contracts/failure';
import type { VoiceModelsPort } from '../../contracts/voice';
import { withoutPaths } from '../../rpc/publicMessage';
import type { VoiceCatalogEntry } from './voiceCatalog';
import { VoiceModelError } from './voiceModelError';
import type { VoiceModelStore } from './voiceModelStore';

export interface VoiceChoices {
  recognizer: VoiceEngineChoice;
  voice: VoiceEngineChoice;
}

export interface VoiceDownloadsDeps {
  store: VoiceModelStore;
  events: Emitter<HearthEvent>;
  logger: Logger;
  /** What is chosen and in use for each half of voice (the voice service knows). */
  choices(): VoiceChoices;
  /** Called after a model was installed or removed. */
  onModelsChanged(): void;
  /** Least time between progress events. Default 250 ms. */
  progressEveryMs?: number;
}

interface Job {
  state: VoiceModelDownload;
  controller: AbortController;
  done: Promise<void>;
}

export class VoiceDownloads implements VoiceModelsPort, AsyncDisposable {
  readonly #deps: VoiceDownloadsDeps;
  #running: Job | undefined;
  #last: VoiceModelDownload | null = null;
  #lastSentAt = 0;
  #closed = false;

  constructor(deps: VoiceDownloadsDeps) {
    this.#deps = deps;
  }

  async list(): Promise<VoiceModelList> {
    const { store } = this.#deps;
    const installed = new Set(await store.installedIds());
    const unfinished = new Map((await store.unfinished()).map((part) => [part.id, part.bytes]));
    const { recognizer, voice } = this.#deps.choices();
    return {
      catalog: store.catalog.map((entry) => {
        const bytes = unfinished.get(entry.id);
        return {
          id: entry.id,
          kind: entry.kind,
          displayName: entry.displayName,
          description: entry.description,
          licence: entry.licence,
          sizeBytes: entry.sizeBytes,
          recommended: entry.recommended,
          installed: installed.has(entry.id),
          ...(bytes === undefined || installed.has(entry.id) ? {} : { unfinishedBytes: bytes }),
        };
      }),
      recognizer,
      voice,
      download: this.#running?.state ?? this.#last,
    };
  }

  download(ids: string[]): VoiceModelDownload {
    if (this.#closed) throw new ApiFailure('bad_request', 'Hearth is shutting down.');
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) throw new ApiFailure('bad_request', 'Name at least one voice model.');
    const entries: VoiceCatalogEntry[] = [];
    for (const id of wanted) {
      const entry = this.#deps.store.entry(id);
      if (!entry) throw new ApiFailure('not_found', `No voice model "${id}" is in the catalog.`);
      entries.push(entry);
    }
    if (this.#running) {
      throw new ApiFailure(
        'busy',
        `${this.#running.state.displayName} is still being downloaded; cancel it or wait until it is done.`,
      );
    }
    const first = entries[0] as VoiceCatalogEntry;
    const job: Job = {
      state: {
        state: 'downloading',
        ids: wanted,
        current: first.id,
        displayName: first.displayName,
        bytes: 0,
        total: entries.reduce((sum, entry) => sum + entry.sizeBytes, 0),
        bytesPerSecond: 0,
        secondsLeft: null,
      },
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.#running = job;
    this.#send(job, true);
    job.done = this.#run(job, entries);
    return job.state;
  }

  cancel(): boolean {
    const job = this.#running;
    if (!job || job.controller.signal.aborted) return false;
    job.controller.abort();
    return true;
  }

  async remove(id: string): Promise<void> {
    const { store } = this.#deps;
    const entry = store.entry(id);
    if (!entry) throw new ApiFailure('not_found', `No voice model "${id}" is in the catalog.`);
    if (this.#running?.state.ids.includes(entry.id)) {
      throw new ApiFailure(
        'busy',
        `${entry.displayName} is being downloaded; cancel the download before removing it.`,
      );
    }
    try {
      await store.remove(entry.id);
    } catch (error) {
      if (!(error instanceof VoiceModelError)) throw error;
      throw new ApiFailure(
        error.problem === 'not-installed' ? 'not_found' : 'busy',
        withoutPaths(error.message),
      );
    }
    this.#changed();
  }

  /** Cancels the job under way and waits until it has stopped. */
  async dispose(): Promise<void> {
    this.#closed = true;
    const job = this.#running;
    job?.controller.abort();
    await job?.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #run(job: Job, entries: VoiceCatalogEntry[]): Promise<void> {
    const { store, logger } = this.#deps;
    const update = (patch: Partial<VoiceModelDownload>, force = false): void => {
      const changed =
        (patch.state !== undefined && patch.state !== job.state.state) ||
        (patch.current !== undefined && patch.current !== job.state.current);
      job.state = { ...job.state, ...patch };
      this.#send(job, force || changed);
    };
    try {
      // Installed ones are skipped: the job's total is what is left to fetch.
      const installed = new Set(await store.installedIds());
      const toFetch = entries.filter((entry) => !installed.has(entry.id));
      let before = 0;
      update({ total: toFetch.reduce((sum, entry) => sum + entry.sizeBytes, 0) });
      for (const entry of toFetch) {
        if (job.controller.signal.aborted) break;
        update({ state: 'downloading', current: entry.id, displayName: entry.displayName });
        await store.install(entry.id, {
          signal: job.controller.signal,
          onProgress: ({ phase, bytes, bytesPerSecond, secondsLeft }) => {
            if (phase === 'download') {
              update({ state: 'downloading', bytes: before + bytes, bytesPerSecond, secondsLeft });
            } else {
              update({
                state: phase === 'verify' ? 'verifying' : 'unpacking',
                bytes: before + entry.sizeBytes,
                bytesPerSecond: 0,
                secondsLeft: null,
              });
            }
          },
        });
        before += entry.sizeBytes;
        update({ bytes: before });
        this.#changed();
      }
      if (job.controller.signal.aborted) throw new VoiceModelError('cancelled', 'cancelled');
      update({ state: 'done', bytesPerSecond: 0, secondsLeft: 0 }, true);
    } catch (error) {
      const cancelled = job.controller.signal.aborted;
      update(
        {
          state: cancelled ? 'cancelled' : 'failed',
          bytesPerSecond: 0,
          secondsLeft: null,
          error: failureText(job.state, error, cancelled),
        },
        true,
      );
      if (!(error instanceof VoiceModelError)) {
        logger.error('voice_model_download_failed', { error: String(error) });
      }
    } finally {
      this.#last = job.state;
      this.#running = undefined;
    }
  }

  #changed(): void {
    try {
      this.#deps.onModelsChanged();
    } catch (error) {
      this.#deps.logger.error('voice_models_change_not_applied', { error: String(error) });
    }
  }

  #send(job: Job, force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastSentAt < (this.#deps.progressEveryMs ?? 250)) return;
    this.#lastSentAt = now;
    this.#deps.events.fire({ type: 'voiceModelDownload', download: job.state });
  }
}

function failureText(state: VoiceModelDownload, error: unknown, cancelled: boolean): string {
  if (error instanceof VoiceModelError && error.message !== 'cancelled') {
    return withoutPaths(error.message);
  }
  if (cancelled) return `Cancelled the download of ${state.displayName}.`;
  const reason = error instanceof Error ? error.message : String(error);
  return withoutPaths(`Could not download ${state.displayName}: ${reason.replace(/\.$/, '')}.`);
}
