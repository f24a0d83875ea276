// The setup screen's optional voice step: when it shows, what it says, the one
// download it asks for, and Not now. Driven by the real store over a fake
// transport; markup from server rendering, buttons pressed through the
// hook-free view (viewTree.ts), the answer kept in a Map standing in for
// localStorage.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelStatus } from '../../../../shared/api';
import {
  conversation,
  connectedHearths,
  renderWithState,
  settle,
  snapshot,
} from '../../../../testing/rendererFakes';
import { voiceDownload, voiceModelList } from '../../../../testing/settingsFakes';
import { buttonNames, press } from '../../../../testing/viewTree';
import type { HearthStore } from '../../store/hearthStore';
import { recommendedPair } from '../settings/voiceChoices';
import { VoiceSetupStep, VoiceSetupStepView, voiceStepHandlers } from './VoiceSetupStep';
import {
  offerVoiceStep,
  readVoiceStep,
  showVoiceStep,
  VOICE_STEP_KEY,
  type StepMemory,
} from './voiceStep';

const connect = connectedHearths();

function memoryOf(entries: Record<string, string> = {}): StepMemory & { map: Map<string, string> } {
  const map = new Map(Object.entries(entries));
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
  };
}

async function session() {
  const { hearth, fake } = await connect({
    getSnapshot: () => snapshot(),
    newConversation: () => conversation('c'),
    listVoiceModels: () => voiceModelList(),
    downloadVoiceModels: ({ ids }: { ids: string[] }) =>
      voiceDownload({ ids, current: ids[0] ?? '', total: 174_695_882 }),
    cancelVoiceModelDownload: () => ({ cancelled: true }),
  });
  await hearth.actions.loadVoiceModels();
  return { hearth, fake };
}

function stepView(hearth: HearthStore, memory: StepMemory, skipped: () => void = () => {}) {
  const { voiceModels, voiceDownload: download } = hearth.store.getState();
  const pair = voiceModels && recommendedPair(voiceModels.catalog);
  if (!pair) throw new Error('no recommended pair');
  return (
    <VoiceSetupStepView
      id="step"
      pair={pair}
      download={download}
      problem={undefined}
      {...voiceStepHandlers(hearth.actions, memory, { skipped, report: () => {} })}
    />
  );
}

const ready: ModelStatus = { state: 'ready', name: 'stories260K' };

describe('the setup screen’s voice step', () => {
  it('shows once the model is loading or ready, while offered and no voice model is installed', () => {
    const list = voiceModelList();
    const installed = voiceModelList({
      catalog: list.catalog.map((m, i) => (i === 0 ? { ...m, installed: true } : m)),
    });
    expect(showVoiceStep('offered', ready, list, null)).toBe(true);
    expect(showVoiceStep('offered', { state: 'loading' }, list, null)).toBe(true);
    expect(showVoiceStep('offered', { state: 'none' }, list, null)).toBe(false);
    expect(showVoiceStep('offered', { state: 'error', error: 'bad' }, list, null)).toBe(false);
    expect(showVoiceStep('skipped', ready, list, null)).toBe(false);
    expect(showVoiceStep(null, ready, list, null)).toBe(false);
    expect(showVoiceStep('offered', ready, null, null)).toBe(false);
    expect(showVoiceStep('offered', ready, installed, null)).toBe(false);
    // The setup screen offers it once; an answer already given stays.
    const fresh = memoryOf();
    offerVoiceStep(fresh);
    expect(readVoiceStep(fresh)).toBe('offered');
    const answered = memoryOf({ [VOICE_STEP_KEY]: 'skipped' });
    offerVoiceStep(answered);
    expect(readVoiceStep(answered)).toBe('skipped');
  });

  it('says what voice adds, names the recommended pair with their total size, and the no-download engines', async () => {
    const { hearth } = await session();
    const html = renderToStaticMarkup(stepView(hearth, memoryOf()));
    expect(html).toMatch(
      /<section [^>]*aria-labelledby="step"><h2 id="step"[^>]*>Voice \(optional\)<\/h2>/,
    );
    expect(html).toContain('Talk to Hearth and hear its answers spoken');
    // 107.6 MB + 67.1 MB.
    expect(html).toContain(
      'Recommended: Moonshine tiny (English) and Amy (US English, low), <strong>175 MB</strong> in all.',
    );
    expect(html).toContain('pocketsphinx (less accurate)');
    expect(html).toContain('flite');
    expect(buttonNames(stepView(hearth, memoryOf()))).toEqual(['Download voice', 'Not now']);
  });

  it('Download voice asks for the recognizer and the voice in one job, with progress and Cancel', async () => {
    const { hearth, fake } = await session();
    press(stepView(hearth, memoryOf()), 'Download voice');
    await settle();
    const downloads = fake.calls.filter((c) => c.name === 'downloadVoiceModels');
    expect(downloads.map((c) => c.args)).toEqual([{ ids: ['moonshine-tiny-en', 'piper-amy-low'] }]);
    fake.emit({
      type: 'voiceModelDownload',
      download: voiceDownload({
        ids: ['moonshine-tiny-en', 'piper-amy-low'],
        total: 174_695_882,
        bytes: 43_673_971,
        bytesPerSecond: 1_000_000,
        secondsLeft: 131,
      }),
    });
    const during = stepView(hearth, memoryOf());
    const html = renderToStaticMarkup(during);
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('Downloading Moonshine tiny (English) (1 of 2)');
    expect(buttonNames(during)).toEqual(['Cancel voice download', 'Not now']);
    press(during, 'Cancel voice download');
    await settle();
    expect(fake.calls.at(-1)?.name).toBe('cancelVoiceModelDownload');
  });

  it('Not now hides the step and keeps it hidden on this screen', async () => {
    const { hearth } = await session();
    const memory = memoryOf({ [VOICE_STEP_KEY]: 'offered' });
    const state = {
      role: 'owner' as const,
      model: ready,
      voiceModels: hearth.store.getState().voiceModels,
    };
    expect(renderWithState(<VoiceSetupStep memory={memory} />, state)).toContain(
      'Voice (optional)',
    );
    let skipped = 0;
    press(
      stepView(hearth, memory, () => skipped++),
      'Not now',
    );
    expect(skipped).toBe(1);
    expect(memory.map.get(VOICE_STEP_KEY)).toBe('skipped');
    // Drawn again (or after a restart), it stays away.
    expect(renderWithState(<VoiceSetupStep memory={memory} />, state)).toBe('');
  });
});
