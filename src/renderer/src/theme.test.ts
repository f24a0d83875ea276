// The page's root element follows the theme: from the snapshot, from another
// screen's change ('appearance'), and from this screen's own save.
import { describe, expect, it } from 'vitest';
import { connectedHearths, snapshot } from '../../testing/rendererFakes';
import { savedSettings } from '../../testing/settingsFakes';
import { followTheme, type ThemedRoot } from './theme';

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
