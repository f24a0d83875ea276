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

/** A model that failed to load is said plainly, with the reason. */
export function ModelAlert() {
  const model = useHearth((s) => s.model);
  if (model?.state !== 'error') return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>The model could not be loaded.</strong> {model.error ?? 'Unknown error.'}
    </div>
  );
}
