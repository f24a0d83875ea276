import type { ThermalReading, ThermalStatus } from '../../../shared/api';
import { formatTemperature, thermalBand } from '../format';
import { useHearth } from '../store/context';
import { Sparkline } from './Sparkline';

const SCALE_MIN = 30;
const SCALE_MAX = 95;
const toPercent = (c: number) =>
  Math.max(0, Math.min(100, ((c - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)) * 100));

// The meter's range for assistive technology. A meter needs a current value inside
// its range even without a sensor; aria-valuetext then says "unavailable", and a
// reading beyond the range is pinned to its end (the text still gives it exactly).
const METER_MIN = 0;
const METER_MAX = 100;
const meterValue = (c: number | undefined) =>
  c === undefined ? METER_MIN : Math.max(METER_MIN, Math.min(METER_MAX, c));

/** The always-visible CPU temperature: value, colour band, bar with thresholds, trend. */
export function ThermalGauge() {
  const thermal = useHearth((s) => s.thermal);
  const trend = useHearth((s) => s.trend);
  return <ThermalGaugeView thermal={thermal} trend={trend} />;
}

export interface ThermalGaugeViewProps {
  thermal: ThermalStatus | null;
  trend: ThermalReading[];
}

export function ThermalGaugeView({ thermal, trend }: ThermalGaugeViewProps) {
  const band = thermalBand(thermal);
  const available = thermal?.available === true;
  const celsius = available ? Math.round(thermal.temperatureC * 10) / 10 : undefined;
  const resumeC = thermal?.resumeC ?? 80;
  const triggerC = thermal?.triggerC ?? 85;

  const extras: string[] = [];
  if (thermal?.cpuMHz !== undefined) extras.push(`${Math.round(thermal.cpuMHz)} MHz`);
  if (thermal?.fan) extras.push(`fan ${thermal.fan}`);
  if (thermal?.firmwareThrottled) extras.push('throttled');

  return (
    <div className={`gauge band-${band}`} title={available ? undefined : thermal?.reason}>
      <div
        className="gauge-meter"
        role="meter"
        aria-label="CPU temperature"
        aria-valuemin={METER_MIN}
        aria-valuemax={METER_MAX}
        aria-valuenow={meterValue(celsius)}
        aria-valuetext={celsius === undefined ? 'unavailable' : formatTemperature(celsius)}
      >
        <span className="gauge-value">
          {celsius === undefined ? '—' : celsius.toFixed(1)}
          <span className="gauge-unit"> °C</span>
        </span>
        <svg
          className="gauge-bar"
          viewBox="0 0 100 8"
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          <rect className="gauge-track" x="0" y="0" width="100" height="8" rx="2" />
          {celsius !== undefined && (
            <rect className="gauge-fill" x="0" y="0" width={toPercent(celsius)} height="8" rx="2" />
          )}
          <ThresholdMark className="gauge-mark" celsius={resumeC} />
          <ThresholdMark className="gauge-mark hot" celsius={triggerC} />
        </svg>
      </div>
      <div className="gauge-side">
        <Sparkline readings={trend.slice(-300)} resumeC={resumeC} triggerC={triggerC} />
        {extras.length > 0 && <span className="gauge-extra">{extras.join(' · ')}</span>}
        {!available && thermal?.reason && <span className="gauge-extra">no sensor</span>}
      </div>
    </div>
  );
}

/** A tick across the bar where cooling starts or stops. */
function ThresholdMark({ className, celsius }: { className: string; celsius: number }) {
  const x = toPercent(celsius);
  return <line className={className} x1={x} x2={x} y1="0" y2="8" />;
}
