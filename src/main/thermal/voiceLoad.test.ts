// Voice load in cores' worth, on a clock the test moves: a job is a whole core
// while it runs; busy time a worker measured is its share of the last second.
import { describe, expect, it } from 'vitest';
import { MEASURED_WINDOW_MS, VoiceLoad } from './voiceLoad';

function clocked() {
  let now = 0;
  const load = new VoiceLoad(() => now);
  return { load, advance: (ms: number) => (now += ms) };
}

describe('VoiceLoad', () => {
  it('counts measured busy time as its share of the last second, then forgets it', () => {
    const { load, advance } = clocked();
    // A listening client's detector: 3 ms of frames every 200 ms, 1.5 % of a core.
    for (let i = 0; i < 10; i++) {
      advance(200);
      load.reportBusy(3);
    }
    expect(load.threads).toBeCloseTo(15 / MEASURED_WINDOW_MS, 6);
    expect(load.measuredMs).toBe(30);
    expect(load.jobs).toBe(0);
    // Nothing new for a second: the load is gone, the total stays.
    advance(MEASURED_WINDOW_MS);
    expect(load.threads).toBe(0);
    expect(load.measuredMs).toBe(30);
  });

  it('adds a running job as a whole core to the measured share, and only the job to busyMs', () => {
    const { load, advance } = clocked();
    load.reportBusy(20);
    const end = load.begin();
    advance(500);
    expect(load.threads).toBeCloseTo(1 + 20 / MEASURED_WINDOW_MS, 6);
    expect(load.jobs).toBe(1);
    end();
    end();
    expect(load.threads).toBeCloseTo(20 / MEASURED_WINDOW_MS, 6);
    expect(load.busyMs).toBe(500);
  });

  it('ignores a report that is not a positive number of ms', () => {
    const { load } = clocked();
    for (const ms of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) load.reportBusy(ms);
    expect(load.threads).toBe(0);
    expect(load.measuredMs).toBe(0);
  });
});
