// Test stand-ins for the thermal side and a config for the fixture model.
import type { CoolingCheckReport, ThermalStatus } from '../shared/api';
import { subscription } from '../shared/emitter';
import { loadConfig, type HearthConfig } from '../main/config/config';
import { FIXTURE_MODEL } from './inferenceFixtures';
import type { PairingPort } from '../main/contracts/pairing';
import type { CoolingCheckPort, ThermalPort } from '../main/contracts/thermal';

export function appConfig(dataDir: string, env: Record<string, string> = {}): HearthConfig {
  return loadConfig({
    HEARTH_DATA_DIR: dataDir,
    HEARTH_MODEL: FIXTURE_MODEL,
    HEARTH_THREADS: '1',
    HEARTH_TEMPERATURE: '0',
    HEARTH_MAX_TOKENS: '64',
    ...env,
  });
}

export const coolThermal: ThermalStatus = {
  available: false,
  temperatureC: -1,
  reason: 'no sensor in tests',
  protection: false,
  triggerC: 85,
  resumeC: 80,
  source: 'none',
  recent: [],
};

export function fakeThermal(status: ThermalStatus = coolThermal): ThermalPort {
  const none = () => subscription(() => {});
  return { status: () => status, onStatus: none, onReading: none };
}

export function fakeCoolingCheck(): CoolingCheckPort & { started: number[] } {
  const idle: CoolingCheckReport = { state: 'idle', samples: [] };
  const started: number[] = [];
  return {
    started,
    start: (durationSec) => {
      started.push(durationSec);
      return { state: 'running', startedAt: Date.now(), durationSec, samples: [] };
    },
    stop: async () => ({ ...idle, state: 'stopped' }),
    report: () => idle,
    onReport: () => subscription(() => {}),
  };
}

/** Pairing as a loopback-only Hearth has it: nothing paired, the URL unreachable. */
export function fakePairing(): PairingPort & { forgotten: string[] } {
  const forgotten: string[] = [];
  return {
    forgotten,
    info: () => ({ url: 'http://127.0.0.1:8737/pair?code=test', expiresAt: 0, reachable: false }),
    devices: () => [],
    forget: async (deviceId) => {
      forgotten.push(deviceId);
      return false;
    },
    onInfo: () => subscription(() => {}),
    onDevices: () => subscription(() => {}),
    onForget: () => subscription(() => {}),
  };
}
