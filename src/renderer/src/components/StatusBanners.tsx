import { coolingBanner } from '../format';
import { useHearth } from '../store/context';

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

/**
 * A model that failed to load is said plainly, with the reason. A phone with no
 * model to answer is told where one is set up (the owner gets the setup screen).
 */
export function ModelAlert() {
  const model = useHearth((s) => s.model);
  const phone = useHearth((s) => s.role === 'device');
  if (model?.state === 'none' && phone) {
    return (
      <div className="banner banner-info" role="status">
        No model is set up yet, so Hearth cannot answer. Set one up on the Hearth screen.
      </div>
    );
  }
  if (model?.state !== 'error') return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>The model could not be loaded.</strong> {model.error ?? 'Unknown error.'}
    </div>
  );
}
