import { useHearth } from '../../store/context';
import { savedNotice } from './settingsForm';
import type { SaveStatus } from './useSettingsSave';

/**
 * Says how a section's save went. The status region is always there, so a
 * screen reader hears it change; a refusal is an alert with main's reason.
 */
export function SaveStatusLine({ status }: { status: SaveStatus }) {
  const problem = useHearth((s) => s.problem);
  const text =
    status.state === 'saving'
      ? 'Saving…'
      : status.state === 'saved'
        ? savedNotice(status.restartNeeded)
        : '';
  return (
    <>
      <p className="save-status" role="status">
        {text}
      </p>
      {status.state === 'refused' && (
        <p className="field-error" role="alert">
          Not saved: {problem ?? 'Hearth refused the change.'}
        </p>
      )}
    </>
  );
}
