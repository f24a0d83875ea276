import { coolingBanner } from '../format';
import { useHearth } from '../store/context';
import type { HearthState } from '../store/state';

/**
 * The owner's screen is the setup screen while there is no model to answer
 * with: none set up yet, or one that failed to load (a removed or corrupt file),
 * so the owner can always pick another. A phone keeps the conversation view.
 */
export function ownerNeedsSetup(state: HearthState): boolean {
  const model = state.model?.state;
  return state.role === 'owner' && (model === 'none' || model === 'error');
}

/** Shown while thermal protection is on (an alert containing "Cooling", which scripts and tests look for). */
export function ThermalBanner() {
  const thermal = useHearth((s) => s.thermal);
  if (!thermal?.protection) return null;
  return (
    <div className="banner banner-cooling" role="alert">
      {coolingBanner(thermal)}
    </div>
  );
}

/** Why the model could not be loaded, said plainly. */
export function ModelLoadError({ error }: { error: string | undefined }) {
  return (
    <div className="banner banner-error" role="alert">
      <strong>The model could not be loaded.</strong> {error ?? 'Unknown error.'}
    </div>
  );
}

/**
 * A model that failed to load is said plainly, with the reason. A phone with no
 * model to answer is told where one is set up. The owner reads either on the
 * setup screen instead.
 */
export function ModelAlert() {
  const model = useHearth((s) => s.model);
  const phone = useHearth((s) => s.role === 'device');
  const onSetupScreen = useHearth(ownerNeedsSetup);
  if (model?.state === 'none' && phone) {
    return (
      <div className="banner banner-info" role="status">
        No model is set up yet, so Hearth cannot answer. Set one up on the Hearth screen.
      </div>
    );
  }
  if (model?.state !== 'error' || onSetupScreen) return null;
  return <ModelLoadError error={model.error} />;
}
