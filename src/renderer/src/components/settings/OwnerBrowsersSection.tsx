import { useState } from 'react';
import { useActions, useHearth } from '../../store/context';
import { ConfirmPrompt } from '../ConfirmPrompt';
import { SettingsSection } from './SettingsSection';

export interface OwnerBrowsersSectionProps {
  /**
   * Whether this screen is itself an owner browser, signed out with the rest;
   * worked out from the page (the kiosk has the preload bridge) unless given.
   */
  thisBrowser?: boolean;
  /** How a signed-out browser shows it: by loading the page again (the pairing page). */
  reload?: () => void;
}

type State = 'idle' | 'confirming' | 'working' | 'done' | 'failed';

/**
 * Signs out every browser that opened the owner page, by replacing the owner
 * secret: a lost laptop or a link that got out stops working at once. The
 * kiosk screen stays the owner; a browser doing this signs itself out too.
 */
export function OwnerBrowsersSection({ thisBrowser, reload }: OwnerBrowsersSectionProps) {
  const actions = useActions();
  const problem = useHearth((s) => s.problem);
  const [state, setState] = useState<State>('idle');
  const inBrowser = thisBrowser ?? (typeof window !== 'undefined' && window.hearth === undefined);

  const signOut = async () => {
    setState('working');
    const outcome = await actions.rotateOwnerSecret();
    if (outcome === null) return setState('failed');
    setState('done');
    // Either way this browser's cookie no longer works: show it the page it now gets.
    if (inBrowser) (reload ?? (() => window.location.reload()))();
  };

  return (
    <SettingsSection name="owner" title="Owner browsers">
      {() => (
        <>
          <p>
            A browser becomes the owner by opening the owner page link Hearth prints when it starts
            (“Owner page:”). Signing them out makes a new link: each must open the new one.
            {inBrowser ? ' This browser is signed out too.' : ' This screen stays signed in.'}
          </p>
          {state === 'confirming' ? (
            <ConfirmPrompt
              className="settings-actions"
              question={<>Sign out every owner browser?</>}
              confirmLabel="Sign out"
              onConfirm={() => void signOut()}
              onCancel={() => setState('idle')}
            />
          ) : (
            <div className="settings-actions">
              <button
                type="button"
                className="button"
                disabled={state === 'working'}
                onClick={() => setState('confirming')}
              >
                Sign out owner browsers
              </button>
            </div>
          )}
          <p className="save-status" role="status">
            {state === 'working'
              ? 'Signing out…'
              : state === 'done'
                ? 'Owner browsers are signed out. The new link is in Hearth’s output and its owner-secret file.'
                : ''}
          </p>
          {state === 'failed' && (
            <p className="field-error" role="alert">
              Not signed out: {problem ?? 'Hearth refused.'}
            </p>
          )}
        </>
      )}
    </SettingsSection>
  );
}
