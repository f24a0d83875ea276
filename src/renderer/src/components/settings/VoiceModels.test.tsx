// Settings > Voice's models part, driven by the real store over a fake
// transport: what the two choices save, what a download shows as
// voiceModelDownload events arrive and what Cancel, Remove and the recognizer
// Test ask main for. No DOM here: markup comes from server rendering, and
// buttons and selects are worked through the hook-free views (viewTree.ts).
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { SettingsChange } from '../../../../shared/api';
import type { VoiceModelList } from '../../../../shared/voiceModelsSchema';
import {
  conversation,
  connectedHearths,
  settle,
  snapshot,
} from '../../../../testing/rendererFakes';
import { savedSettings, voiceDownload, voiceModelList } from '../../../../testing/settingsFakes';
import { buttonNames, elements, press } from '../../../../testing/viewTree';
import { HearthCallError } from '../../../../shared/transport';
import type { HearthStore } from '../../store/hearthStore';
import { voiceDownloadHeading, voiceOptions } from './voiceChoices';
import { voiceModelHandlers, VoiceModelsView } from './VoiceModelsView';
import { RecognizerTestLine } from './VoiceTests';

const connect = connectedHearths();

/** An owner's store whose main answers the voice commands as given, and records them. */
async function session(list: VoiceModelList = voiceModelList(), handlers = {}) {
  const { hearth, fake } = await connect({
    getSnapshot: () => snapshot(),
    newConversation: () => conversation('c'),
    listVoiceModels: () => list,
    downloadVoiceModels: ({ ids }: { ids: string[] }) =>
      voiceDownload({ ids, current: ids[0] ?? '' }),
    cancelVoiceModelDownload: () => ({ cancelled: true }),
    updateSettings: (change: SettingsChange) => ({
      settings: savedSettings(change as never),
      restartNeeded: [],
    }),
    ...handlers,
  });
  await hearth.actions.loadVoiceModels();
  return { hearth, fake };
}

/** The view as Settings shows it now, its buttons bound to the store's actions. */
function view(hearth: HearthStore, ui: { asking?: string | null; problem?: string } = {}) {
  const state = hearth.store.getState();
  const reported: (string | undefined)[] = [];
  const asked: (string | null)[] = [];
  const node = (
    <VoiceModelsView
      id="v"
      settings={savedSettings()}
      list={state.voiceModels}
      download={state.voiceDownload}
      choosing={{}}
      saving={false}
      asking={ui.asking ?? null}
      problem={ui.problem}
      handlers={voiceModelHandlers(hearth.actions, {
        choose: (change) => void hearth.actions.updateSettings(change),
        ask: (id) => asked.push(id),
        report: (why) => reported.push(why),
      })}
    />
  );
  return { node, html: renderToStaticMarkup(node), reported, asked };
}

/** Picks `value` in the select named `name`, as the browser's change event would. */
function pick(node: ReactElement, name: string, value: string): void {
  const select = [...elements(node)].find(
    (e) => e.type === 'select' && (e.props as { name?: string }).name === name,
  );
  const onChange = (select?.props as { onChange?: (event: unknown) => void } | undefined)?.onChange;
  if (!onChange) throw new Error(`no select named ${name}`);
  onChange({ target: { value } });
}

const MOONSHINE = 'Download Moonshine tiny (English) (108 MB)';

describe('Settings > Voice: choices', () => {
  it('offers Automatic, each catalog model and the no-download engine, each select labelled', async () => {
    const { hearth } = await session();
    const { html } = view(hearth);
    expect(html).toMatch(
      /<label for="v-voiceRecognizer">Speech recognition<\/label><select id="v-voiceRecognizer"/,
    );
    expect(html).toMatch(/<label for="v-voiceVoice">Voice<\/label><select id="v-voiceVoice"/);
    expect(
      voiceOptions('recognizer', voiceModelList().catalog, 'auto').map((o) => o.label),
    ).toEqual([
      'Automatic',
      'Moonshine tiny (English) (not downloaded)',
      'Whisper tiny.en (not downloaded)',
      'pocketsphinx (no download, less accurate)',
    ]);
    expect(voiceOptions('voice', voiceModelList().catalog, 'auto').map((o) => o.value)).toEqual([
      'auto',
      'piper-amy-low',
      'piper-lessac-medium',
      'flite',
    ]);
    // A saved id the list does not know stays selectable, so the select shows it.
    expect(voiceOptions('voice', [], 'piper-old').at(-1)).toEqual({
      value: 'piper-old',
      label: 'piper-old',
    });
  });

  it('saves the recognizer choice as voiceRecognizer and the voice choice as voiceVoice', async () => {
    const { hearth, fake } = await session();
    pick(view(hearth).node, 'voiceRecognizer', 'moonshine-tiny-en');
    pick(view(hearth).node, 'voiceVoice', 'flite');
    await settle();
    expect(fake.calls.filter((c) => c.name === 'updateSettings').map((c) => c.args)).toEqual([
      { voiceRecognizer: 'moonshine-tiny-en' },
      { voiceVoice: 'flite' },
    ]);
  });

  it('says what is in use and, when the choice cannot be used, main’s sentence why', async () => {
    const sentence =
      'Moonshine tiny (English) could not be loaded: encode.int8.onnx is not a model.';
    const { hearth } = await session(
      voiceModelList({
        recognizer: {
          chosen: 'moonshine-tiny-en',
          inUse: 'pocketsphinx',
          inUseName: 'pocketsphinx',
          error: sentence,
        },
        voice: { chosen: 'auto', inUse: 'none', inUseName: 'none' },
      }),
    );
    const { html } = view(hearth);
    expect(html).toContain('aria-describedby="v-voiceRecognizer-in-use"');
    expect(html).toContain(
      `<div id="v-voiceRecognizer-in-use" class="voice-in-use"><p class="muted">In use: pocketsphinx.</p><p class="field-error">${sentence}</p>`,
    );
    expect(html).toContain('In use: none, so Hearth cannot speak.');
  });

  it('locks the choice the environment decides', async () => {
    const { hearth } = await session();
    const state = hearth.store.getState();
    const html = renderToStaticMarkup(
      <VoiceModelsView
        {...view(hearth).node.props}
        settings={savedSettings({ environmentOverrides: ['HEARTH_VOICE_VOICE'] })}
        list={state.voiceModels}
      />,
    );
    expect(html).toMatch(/<select[^>]*name="voiceVoice"[^>]*disabled=""/);
    expect(html).not.toMatch(/<select[^>]*name="voiceRecognizer"[^>]*disabled=""/);
  });
});

describe('Settings > Voice: downloads', () => {
  it('Download asks for that one model; progress shows as events arrive, and Cancel asks main to cancel', async () => {
    const { hearth, fake } = await session();
    const before = view(hearth);
    expect(buttonNames(before.node)).toContain(MOONSHINE);
    expect(buttonNames(before.node)).toContain('Download Amy (US English, low) (67 MB)');

    press(before.node, MOONSHINE);
    await settle();
    expect(fake.calls.at(-1)).toEqual({
      name: 'downloadVoiceModels',
      args: { ids: ['moonshine-tiny-en'] },
    });
    fake.emit({
      type: 'voiceModelDownload',
      download: voiceDownload({ bytes: 53_800_269, bytesPerSecond: 2_100_000, secondsLeft: 26 }),
    });
    const during = view(hearth);
    expect(during.html).toMatch(
      /role="progressbar" aria-label="Progress of the voice download" aria-valuemin="0" aria-valuemax="100" aria-valuenow="50"/,
    );
    expect(during.html).toContain(
      '<p class="download-text">54 MB of 108 MB · 2.1 MB/s · less than a minute left</p>',
    );
    expect(during.html).toContain('Downloading Moonshine tiny (English)');
    // One job at a time: the other Download buttons wait.
    expect(during.html).toMatch(/<button type="button" class="button" disabled="">Download/);

    press(during.node, 'Cancel voice download');
    await settle();
    expect(fake.calls.at(-1)?.name).toBe('cancelVoiceModelDownload');
  });

  it('keeps what Hearth last said it can hear and speak, so Settings asks for the list again when a chosen model fails to load', async () => {
    const { hearth, fake } = await session();
    expect(hearth.store.getState().voiceAvailability).toBeNull();
    const failed = {
      canHear: true,
      canSpeak: false,
      note: 'Amy (US English, low) could not be loaded: sherpa-onnx exited (code 255).',
    };
    fake.emit({ type: 'voiceAvailability', voice: failed });
    expect(hearth.store.getState().voiceAvailability).toEqual(failed);
  });

  it('a failed download says its one sentence and shows no bar', async () => {
    const { hearth, fake } = await session();
    const sentence =
      'Could not download Moonshine tiny (English): its sha256 does not match the catalog.';
    fake.emit({
      type: 'voiceModelDownload',
      download: voiceDownload({ state: 'failed', error: sentence }),
    });
    const { html, node } = view(hearth);
    expect(html).toContain(`role="alert">${sentence}</p>`);
    expect(html).not.toContain('progressbar');
    expect(buttonNames(node)).toContain(MOONSHINE);
  });

  it('a download main refuses to start shows main’s sentence', async () => {
    const { hearth } = await session(voiceModelList(), {
      downloadVoiceModels: () => {
        throw new HearthCallError('bad_request', 'A voice download is already under way.');
      },
    });
    const { node, reported } = view(hearth);
    press(node, MOONSHINE);
    await settle();
    expect(reported.at(-1)).toBe('A voice download is already under way.');
  });

  it('names the model being fetched in a job of several', () => {
    const download = voiceDownload({
      ids: ['moonshine-tiny-en', 'piper-amy-low'],
      current: 'piper-amy-low',
      displayName: 'Amy (US English, low)',
      state: 'unpacking',
    });
    expect(voiceDownloadHeading(download)).toBe('Unpacking Amy (US English, low) (2 of 2)');
  });

  it('Remove asks first, then removes that model and asks for the list again', async () => {
    const installed = voiceModelList();
    installed.catalog = installed.catalog.map((m) =>
      m.id === 'piper-amy-low' ? { ...m, installed: true } : m,
    );
    let list = installed;
    const { hearth, fake } = await session(installed, {
      listVoiceModels: () => list,
      removeVoiceModel: () => {
        list = voiceModelList();
        return { ok: true };
      },
    });
    const first = view(hearth);
    expect(buttonNames(first.node)).not.toContain('Download Amy (US English, low) (67 MB)');
    press(first.node, 'Remove Amy (US English, low)');
    expect(first.asked).toEqual(['piper-amy-low']);

    const asking = view(hearth, { asking: 'piper-amy-low' });
    expect(asking.html).toContain('Remove Amy (US English, low)? It frees about 67 MB.');
    press(asking.node, 'Remove');
    await settle();
    await settle();
    expect(fake.calls.filter((c) => c.name === 'removeVoiceModel').map((c) => c.args)).toEqual([
      { id: 'piper-amy-low' },
    ]);
    expect(fake.calls.at(-1)?.name).toBe('listVoiceModels');
    expect(buttonNames(view(hearth).node)).toContain('Download Amy (US English, low) (67 MB)');
  });
});

describe('Settings > Voice: recognizer Test', () => {
  it('shows what the recognizer heard and how long it took', async () => {
    const { hearth, fake } = await session(voiceModelList(), {
      testRecognizer: () => ({ said: 'Hello from Hearth.', heard: 'hello from hearth', ms: 1234 }),
    });
    const outcome = await hearth.actions.testRecognizer();
    expect(fake.calls.at(-1)?.name).toBe('testRecognizer');
    const html = renderToStaticMarkup(<RecognizerTestLine asking={false} outcome={outcome} />);
    expect(html).toContain('role="status" aria-label="Recognizer test"');
    expect(html).toContain('Heard: “hello from hearth” in 1.2 s (said: “Hello from Hearth.”).');
  });

  it('shows the sentence why the recognizer could not be tested', async () => {
    const { hearth } = await session(voiceModelList(), {
      testRecognizer: () => {
        throw new HearthCallError(
          'bad_request',
          'Hearth cannot hear: pocketsphinx is not installed.',
        );
      },
    });
    const html = renderToStaticMarkup(
      <RecognizerTestLine asking={false} outcome={await hearth.actions.testRecognizer()} />,
    );
    expect(html).toContain(
      'role="alert">Recognizer test: Hearth cannot hear: pocketsphinx is not installed.</p>',
    );
  });
});
