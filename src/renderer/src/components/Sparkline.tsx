import type { ThermalReading } from '../../../shared/api';

export interface SparklineProps {
  readings: ThermalReading[];
  resumeC: number;
  triggerC: number;
  width?: number;
  height?: number;
  className?: string;
}

/** Maps readings to SVG points on a fixed-ish scale, so a flat 50 °C looks flat, not noisy. */
export function sparklinePoints(
  readings: ThermalReading[],
  width: number,
  height: number,
  minC: number,
  maxC: number,
): string {
  const first = readings[0];
  const last = readings.at(-1);
  if (!first || !last) return '';
  const t0 = first.time;
  const span = Math.max(1, last.time - t0);
  const y = (c: number) =>
    height - ((Math.min(maxC, Math.max(minC, c)) - minC) / (maxC - minC)) * height;
  return readings
    .map((r) => `${(((r.time - t0) / span) * width).toFixed(1)},${y(r.temperatureC).toFixed(1)}`)
    .join(' ');
}

export function temperatureScale(readings: ThermalReading[], triggerC: number): [number, number] {
  const values = readings.map((r) => r.temperatureC);
  const min = Math.min(30, ...values);
  const max = Math.max(triggerC + 5, ...values);
  return [Math.floor(min), Math.ceil(max)];
}

export function Sparkline({
  readings,
  resumeC,
  triggerC,
  width = 100,
  height = 28,
  className,
}: SparklineProps) {
  const [minC, maxC] = temperatureScale(readings, triggerC);
  const y = (c: number) => height - ((c - minC) / (maxC - minC)) * height;
  const points = sparklinePoints(readings, width, height, minC, maxC);
  return (
    <svg
      className={className ?? 'sparkline'}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      <line className="spark-resume" x1="0" x2={width} y1={y(resumeC)} y2={y(resumeC)} />
      <line className="spark-trigger" x1="0" x2={width} y1={y(triggerC)} y2={y(triggerC)} />
      {readings.length === 1 ? (
        <circle className="spark-dot" cx={width} cy={points.split(',')[1]} r="1.5" />
      ) : (
        <polyline className="spark-line" points={points} />
      )}
    </svg>
  );
}
