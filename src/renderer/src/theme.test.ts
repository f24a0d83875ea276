// The page's root element follows the theme: from the snapshot, from another
// screen's change ('appearance'), and from this screen's own save.
import { describe, expect, it } from 'vitest';
import { connectedHearths, fakeTransport, snapshot } from '../../testing/rendererFakes';
import { savedSettings } from '../../testing/settingsFakes';
import { createHearthStore } from './store/hearthStore';
import { followTheme, rememberedTheme, type ThemedRoot } from './theme';

const connect = connectedHearths();

describe('the theme on the page', () => {
  it('sets data-theme from the snapshot, then from appearance events and saves, until stopped', async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () => ({ ...snapshot(), theme: 'dark' }),
      updateSettings: () => ({
        settings: savedSettings({ theme: 'light' }),
        restartNeeded: [],
      }),
    });
    const root: ThemedRoot = { dataset: {} };
    const stop = followTheme(hearth.store, root);
    expect(root.dataset.theme).toBe('dark');

    fake.emit({ type: 'appearance', theme: 'system' });
    expect(root.dataset.theme).toBe('system');

    expect(await hearth.actions.updateSettings({ theme: 'light' })).toEqual([]);
    expect(root.dataset.theme).toBe('light');

    stop();
    fake.emit({ type: 'appearance', theme: 'dark' });
    expect(root.dataset.theme).toBe('light');
  });
});

describe('the theme between starts', () => {
  const memoryOf = (initial: Record<string, string> = {}) => {
    const kept = new Map(Object.entries(initial));
    return {
      kept,
      getItem: (key: string) => kept.get(key) ?? null,
      setItem: (key: string, value: string) => void kept.set(key, value),
    };
  };

  it('remembers the theme the server chose, and reads it back at the next start', async () => {
    const memory = memoryOf();
    const { hearth } = await connect({ getSnapshot: () => ({ ...snapshot(), theme: 'dark' }) });
    const stop = followTheme(hearth.store, { dataset: {} }, memory);
    stop();
    expect(rememberedTheme(memory)).toBe('dark');
  });

  it('keeps the remembered theme on screen until the first snapshot, without forgetting it', () => {
    const memory = memoryOf({ 'hearth.theme': 'dark' });
    const root: ThemedRoot = { dataset: { theme: rememberedTheme(memory) } };
    const hearth = createHearthStore(fakeTransport({}).transport);
    const stop = followTheme(hearth.store, root, memory);
    expect(hearth.store.getState().synced).toBe(false);
    expect(root.dataset.theme).toBe('dark');
    expect(memory.kept.get('hearth.theme')).toBe('dark');
    stop();
    hearth.dispose();
  });

  it('treats a missing, foreign or unreadable remembered value as the system theme', () => {
    expect(rememberedTheme(memoryOf())).toBe('system');
    expect(rememberedTheme(memoryOf({ 'hearth.theme': 'purple' }))).toBe('system');
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {},
    };
    expect(rememberedTheme(refusing)).toBe('system');
    expect(rememberedTheme(undefined)).toBe('system');
  });
});
