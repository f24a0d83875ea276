import { describe, expect, it } from 'vitest';
import type { ThermalReading, ThermalStatus } from '../../../shared/api';
import {
  fakeTransport,
  manualFrames,
  settle,
  snapshot,
  thermalStatus,
} from '../../../testing/rendererFakes';
import { applyEvent } from './events';
import { createHearthStore } from './hearthStore';
import { initialState, type HearthState } from './state';
import { TREND_WINDOW_MS } from './trend';

const at = (time: number, temperatureC: number): ThermalReading => ({ time, temperatureC });

const status = (over: Partial<ThermalStatus> = {}): ThermalStatus =>
  thermalStatus({ temperatureC: 60, cpuMHz: 2400, fan: '3000 rpm', source: 'sysfs', ...over });

const stateWith = (thermal: ThermalStatus | null, trend: ThermalReading[]): HearthState => ({
  ...initialState,
  thermal,
  trend,
});

describe('a new temperature reading', () => {
  it('updates the temperature, clock and fan and appends the reading to the trend', () => {
    const before = stateWith(status({ protection: true, protectionSince: 5 }), [at(1000, 60)]);
    const next = applyEvent(before, {
      type: 'thermalReading',
      reading: at(2000, 71.5),
      cpuMHz: 1500,
      fan: '4500 rpm',
    });
    expect(next.thermal).toEqual({
      ...before.thermal,
      temperatureC: 71.5,
      cpuMHz: 1500,
      fan: '4500 rpm',
    });
    expect(next.trend).toEqual([at(1000, 60), at(2000, 71.5)]);
  });

  it('keeps the last clock and fan when the reading comes without them', () => {
    const before = stateWith(status(), []);
    const next = applyEvent(before, { type: 'thermalReading', reading: at(2000, 65) });
    expect(next.thermal).toMatchObject({ temperatureC: 65, cpuMHz: 2400, fan: '3000 rpm' });
    expect(next.trend).toEqual([at(2000, 65)]);
  });

  it('ignores a reading no newer than the last one in the trend', () => {
    const trend = [at(1000, 60), at(2000, 61)];
    const next = applyEvent(stateWith(status(), trend), {
      type: 'thermalReading',
      reading: at(2000, 99),
    });
    expect(next.trend).toEqual(trend);
  });

  it('drops readings older than the trend window', () => {
    const trend = [at(0, 50), at(60_000, 52), at(TREND_WINDOW_MS, 55)];
    const next = applyEvent(stateWith(status(), trend), {
      type: 'thermalReading',
      reading: at(TREND_WINDOW_MS + 60_000, 56),
    });
    expect(next.trend).toEqual([
      at(60_000, 52),
      at(TREND_WINDOW_MS, 55),
      at(TREND_WINDOW_MS + 60_000, 56),
    ]);
  });

  it('before any status arrived, extends the trend and leaves the status unknown', () => {
    const next = applyEvent(stateWith(null, []), { type: 'thermalReading', reading: at(1, 50) });
    expect(next.thermal).toBeNull();
    expect(next.trend).toEqual([at(1, 50)]);
  });
});

describe('a full thermal status', () => {
  it('replaces the status and the trend, even when its history holds one reading', () => {
    const before = stateWith(status(), [at(1000, 60), at(2000, 61), at(3000, 62)]);
    const full = status({ protection: true, temperatureC: 86, recent: [at(4000, 86)] });
    const next = applyEvent(before, { type: 'thermal', thermal: full });
    expect(next.thermal).toEqual(full);
    expect(next.trend).toEqual([at(4000, 86)]);
  });

  it('replaces the trend with its history, trimmed to the trend window', () => {
    const recent = [at(0, 50), at(1000, 51), at(TREND_WINDOW_MS + 500, 53)];
    const next = applyEvent(stateWith(status(), [at(99, 40)]), {
      type: 'thermal',
      thermal: status({ recent }),
    });
    expect(next.trend).toEqual([at(1000, 51), at(TREND_WINDOW_MS + 500, 53)]);
  });

  it("follows the server's history even when the sensor is gone", () => {
    const unavailable = status({ available: false, temperatureC: -1, source: 'none', recent: [] });
    const next = applyEvent(stateWith(status(), [at(1000, 60)]), {
      type: 'thermal',
      thermal: unavailable,
    });
    expect(next.thermal).toEqual(unavailable);
    expect(next.trend).toEqual([]);
  });
});

describe('the thermal state on connect', () => {
  it("takes the snapshot's status and its history as the trend", async () => {
    const recent = [at(1000, 58), at(2000, 59)];
    const fake = fakeTransport({
      getSnapshot: () => ({ ...snapshot(), thermal: status({ temperatureC: 59, recent }) }),
      newConversation: () => ({ id: 'c', title: '', createdAt: 1, updatedAt: 1, messages: [] }),
    });
    const hearth = createHearthStore(fake.transport, { frames: manualFrames().frames });
    try {
      await fake.start();
      await settle();
      expect(hearth.store.getState().thermal?.temperatureC).toBe(59);
      expect(hearth.store.getState().trend).toEqual(recent);
      fake.emit({ type: 'thermalReading', reading: at(3000, 60) });
      expect(hearth.store.getState().trend).toEqual([...recent, at(3000, 60)]);
      expect(hearth.store.getState().thermal?.temperatureC).toBe(60);
    } finally {
      hearth.dispose();
    }
  });
});
