// One section's save: saving, saved (and what waits for a restart), or refused.
import { useCallback, useState } from 'react';
import type { SettingsChange } from '../../../../shared/api';
import { useActions } from '../../store/context';

export type SaveStatus =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; restartNeeded: string[] }
  /** Main refused the change: the reason is the store's problem. */
  | { state: 'refused' };

export function useSettingsSave() {
  const actions = useActions();
  const [status, setStatus] = useState<SaveStatus>({ state: 'idle' });
  /** Resolves true when the change was saved. */
  const save = useCallback(
    async (change: SettingsChange): Promise<boolean> => {
      setStatus({ state: 'saving' });
      const restartNeeded = await actions.updateSettings(change);
      setStatus(restartNeeded === null ? { state: 'refused' } : { state: 'saved', restartNeeded });
      return restartNeeded !== null;
    },
    [actions],
  );
  /** An edit after a save: what was said about the last one no longer applies. */
  const reset = useCallback(() => setStatus({ state: 'idle' }), []);
  return { status, save, reset, saving: status.state === 'saving' };
}
