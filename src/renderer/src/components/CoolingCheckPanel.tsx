import { useState } from 'react';
import type { CoolingCheckReport } from '../../../shared/api';
import {
  coolingCheckCsv,
  coolingCheckFileName,
  formatDuration,
  formatTemperature,
} from '../format';
import { useActions, useHearth } from '../store/context';
import { Sheet } from './Sheet';
import { sparklinePoints, temperatureScale } from './Sparkline';

const durations = [60, 300, 600, 1800];

function saveCsv(report: CoolingCheckReport) {
  const url = URL.createObjectURL(new Blob([coolingCheckCsv(report)], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = coolingCheckFileName(report);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

const stateText: Record<CoolingCheckReport['state'], string> = {
  idle: 'Not run yet.',
  running: 'Running…',
  done: 'Finished.',
  stopped: 'Stopped.',
  protection: 'Stopped early: cooling protection started.',
  error: 'Failed.',
};

function Chart({
  report,
  resumeC,
  triggerC,
}: {
  report: CoolingCheckReport;
  resumeC: number;
  triggerC: number;
}) {
  const width = 300;
  const height = 120;
  const samples = report.samples;
  const [minC, maxC] = temperatureScale(samples, triggerC);
  const y = (c: number) => height - ((c - minC) / (maxC - minC)) * height;
  const last = samples.at(-1);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={
          last
            ? `Temperature over ${samples.length} seconds, now ${formatTemperature(last.temperatureC)}`
            : 'No samples yet'
        }
      >
        <line className="spark-resume" x1="0" x2={width} y1={y(resumeC)} y2={y(resumeC)} />
        <line className="spark-trigger" x1="0" x2={width} y1={y(triggerC)} y2={y(triggerC)} />
        {samples.length > 1 && (
          <polyline
            className="chart-line"
            points={sparklinePoints(samples, width, height, minC, maxC)}
          />
        )}
      </svg>
      <figcaption className="chart-axis">
        <span>{maxC} °C</span>
        <span>{minC} °C</span>
      </figcaption>
    </figure>
  );
}

export function CoolingCheckPanel({ open, onClose }: { open: boolean; onClose(): void }) {
  const report = useHearth((s) => s.coolingCheck) ?? { state: 'idle' as const, samples: [] };
  const thermal = useHearth((s) => s.thermal);
  const connected = useHearth((s) => s.link.state === 'connected');
  const actions = useActions();
  const [duration, setDuration] = useState(300);
  const running = report.state === 'running';
  const elapsed = report.samples.length;

  return (
    <Sheet title="Check cooling" open={open} onClose={onClose} side="center">
      <p className="muted">
        Loads every CPU core for the chosen time and records the temperature each second, to tell
        whether the case and fan keep the board cool. It stops early if cooling protection starts.
      </p>
      <div className="durations" role="group" aria-label="Duration">
        {durations.map((d) => (
          <button
            key={d}
            type="button"
            className="button"
            aria-pressed={duration === d}
            disabled={running}
            onClick={() => setDuration(d)}
          >
            {formatDuration(d)}
          </button>
        ))}
      </div>
      <div className="cooling-actions">
        {running ? (
          <button
            type="button"
            className="button button-stop"
            onClick={() => void actions.stopCoolingCheck()}
          >
            Stop check
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            disabled={!connected}
            onClick={() => void actions.startCoolingCheck(duration)}
          >
            Start check
          </button>
        )}
        <span className="cooling-state" role="status" aria-label="Cooling check">
          {stateText[report.state]}
          {running && report.durationSec
            ? ` ${formatDuration(elapsed)} of ${formatDuration(report.durationSec)}`
            : ''}
        </span>
      </div>
      <Chart report={report} resumeC={thermal?.resumeC ?? 80} triggerC={thermal?.triggerC ?? 85} />
      {report.state !== 'idle' && report.state !== 'running' && (
        <dl className="report">
          {report.peakC !== undefined && (
            <>
              <dt>Peak</dt>
              <dd>{formatTemperature(report.peakC)}</dd>
            </>
          )}
          <dt>Steady state</dt>
          <dd>
            {report.secondsToSteadyState == null
              ? 'not reached'
              : `after ${formatDuration(report.secondsToSteadyState)}`}
          </dd>
          <dt>Firmware throttled</dt>
          <dd>
            {report.firmwareThrottled === undefined
              ? 'unknown'
              : report.firmwareThrottled
                ? 'yes'
                : 'no'}
          </dd>
          {report.verdict && (
            <>
              <dt>Verdict</dt>
              <dd className="verdict">{report.verdict}</dd>
            </>
          )}
          {report.error && (
            <>
              <dt>Error</dt>
              <dd>{report.error}</dd>
            </>
          )}
        </dl>
      )}
      <div className="sheet-foot">
        <button
          type="button"
          className="button"
          disabled={report.samples.length === 0}
          onClick={() => saveCsv(report)}
        >
          Save CSV
        </button>
      </div>
    </Sheet>
  );
}
