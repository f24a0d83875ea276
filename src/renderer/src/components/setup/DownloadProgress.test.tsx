// A download as the owner watches it, driven by the real store over a fake
// transport: what the bar and its line say as modelDownload events arrive, and
// what Cancel and Try again ask main for. No DOM here: markup comes from server
// rendering, and buttons are pressed through the elements the hook-free view
// returns (viewTree.ts).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelDownload } from '../../../../shared/api';
import {
  connectedHearths,
  conversation,
  settle,
  snapshot,
} from '../../../../testing/rendererFakes';
import { buttonNames, press } from '../../../../testing/viewTree';
import { DownloadProgressView } from './DownloadProgress';
import { downloadHandlers } from './setupChoices';

/** The progress bar's value and the text under it, from the rendered markup. */
function progressOf(html: string): { now: string | undefined; text: string | undefined } {
  const bar = /<div[^>]*role="progressbar"[^>]*>/.exec(html)?.[0] ?? '';
  expect(bar).toContain('aria-label="Download progress"');
  return {
    now: /aria-valuenow="([^"]*)"/.exec(bar)?.[1],
    text: /<p class="download-text">([^<]*)<\/p>/.exec(html)?.[1],
  };
}

const connect = connectedHearths();

/** A store whose session has started with no model, the owner's; main's replies as given. */
async function setupSession(handlers: Parameters<typeof connect>[0] = {}) {
  return connect({
    getSnapshot: () => ({ ...snapshot(), model: { state: 'none' } }),
    newConversation: () => conversation('c'),
    downloadModel: () => started,
    cancelDownload: () => ({ cancelled: true }),
    ...handlers,
  });
}

const MB = 1_000_000;
const started: ModelDownload = {
  state: 'downloading',
  model: 'Stories 260K',
  catalogId: 'stories',
  bytes: 0,
  total: 4 * MB,
  bytesPerSecond: 0,
  secondsLeft: null,
};

describe('download progress', () => {
  it('shows bytes, speed, time left and percent as modelDownload events arrive', async () => {
    const { hearth, fake } = await setupSession();
    const seen: { now: string | undefined; text: string | undefined }[] = [];
    const steps: Partial<ModelDownload>[] = [
      {},
      { bytes: 1 * MB, bytesPerSecond: 2.1 * MB, secondsLeft: 1.4 },
      { bytes: 3 * MB, bytesPerSecond: 0.02 * MB, secondsLeft: 95 },
      { state: 'verifying', bytes: 2 * MB, bytesPerSecond: 0, secondsLeft: null },
      { state: 'loading', bytes: 4 * MB, bytesPerSecond: 0, secondsLeft: null },
    ];
    for (const step of steps) {
      fake.emit({ type: 'modelDownload', download: { ...started, ...step } });
      const download = hearth.store.getState().download;
      if (!download) throw new Error('the event did not reach the store');
      seen.push(
        progressOf(
          renderToStaticMarkup(
            <DownloadProgressView download={download} onCancel={() => {}} onRetry={null} />,
          ),
        ),
      );
    }
    expect(seen).toEqual([
      { now: '0', text: '0 B of 4.0 MB' },
      { now: '25', text: '1.0 MB of 4.0 MB · 2.1 MB/s · less than a minute left' },
      { now: '75', text: '3.0 MB of 4.0 MB · 20 kB/s · about 2 minutes left' },
      { now: '50', text: 'Checking the file…' },
      { now: '100', text: 'Loading the model…' },
    ]);
  });

  it('leaves the bar without a value while the size is unknown', () => {
    const html = renderToStaticMarkup(
      <DownloadProgressView
        download={{ ...started, total: null, bytes: 2 * MB }}
        onCancel={() => {}}
        onRetry={null}
      />,
    );
    expect(progressOf(html)).toEqual({ now: undefined, text: '2.0 MB' });
  });

  it('Cancel download asks main to cancel; only bytes on the move can be cancelled', async () => {
    const { hearth, fake } = await setupSession();
    await hearth.actions.downloadModel({ catalogId: 'stories' });
    const download = hearth.store.getState().download;
    if (!download) throw new Error('no download');
    const handlers = downloadHandlers(hearth.actions, download);

    press(<DownloadProgressView download={download} {...handlers} />, 'Cancel download');
    await settle();
    expect(fake.calls.map((c) => c.name)).toContain('cancelDownload');

    for (const state of ['verifying', 'loading'] as const) {
      const later = <DownloadProgressView download={{ ...download, state }} {...handlers} />;
      expect(buttonNames(later)).toEqual([]);
    }
    const copying = { ...download, state: 'copying' as const };
    expect(buttonNames(<DownloadProgressView download={copying} {...handlers} />)).toEqual([
      'Cancel copying',
    ]);
  });

  it('a failed download says its one sentence and Try again asks for the same catalog id', async () => {
    const { hearth, fake } = await setupSession();
    const sentence =
      'Could not download Stories 260K: the server could not be reached (no internet?).';
    fake.emit({
      type: 'modelDownload',
      download: { ...started, catalogId: 'stories', state: 'failed', error: sentence },
    });
    const failed = hearth.store.getState().download;
    if (!failed) throw new Error('no download');
    const view = (
      <DownloadProgressView download={failed} {...downloadHandlers(hearth.actions, failed)} />
    );

    const html = renderToStaticMarkup(view);
    expect(html).toContain(`role="alert">${sentence}</p>`);
    expect(html).not.toContain('progressbar');
    expect(buttonNames(view)).toEqual(['Try again']);

    press(view, 'Try again');
    await settle();
    expect(fake.calls.at(-1)).toEqual({ name: 'downloadModel', args: { catalogId: 'stories' } });
    expect(hearth.store.getState().download?.state).toBe('downloading');
  });

  it('a failed copy from a USB stick has no Try again: the file is picked again from the list', async () => {
    const { hearth } = await setupSession();
    const copy: ModelDownload = {
      ...started,
      catalogId: undefined,
      state: 'failed',
      model: 'mine.gguf',
      error: 'Could not set up mine.gguf: the stick was removed.',
    };
    const view = (
      <DownloadProgressView download={copy} {...downloadHandlers(hearth.actions, copy)} />
    );
    expect(renderToStaticMarkup(view)).toContain('the stick was removed.');
    expect(buttonNames(view)).toEqual([]);
  });
});
