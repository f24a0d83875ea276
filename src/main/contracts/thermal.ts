// What the API service needs from the thermal side, as small interfaces the
// real monitor and cooling check implement (and tests can stand in for).
import type { CoolingCheckReport, ThermalStatus } from '../../shared/api';

export interface ThermalPort {
  status(): ThermalStatus;
  onStatus(listener: (status: ThermalStatus) => void): () => void;
}

export interface CoolingCheckPort {
  start(durationSec: number): CoolingCheckReport;
  stop(): Promise<CoolingCheckReport>;
  report(): CoolingCheckReport;
  onReport(listener: (report: CoolingCheckReport) => void): () => void;
}
