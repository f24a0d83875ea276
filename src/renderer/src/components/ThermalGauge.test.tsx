// The temperature meter as assistive technology reads it: axe-core requires an
// aria-valuenow inside [aria-valuemin, aria-valuemax], sensor or not.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ThermalStatus } from '../../../shared/api';
import { thermalStatus } from '../../../testing/rendererFakes';
import { ThermalGaugeView } from './ThermalGauge';

const status = thermalStatus;

/** The meter's ARIA attributes, rendered with the given thermal state. */
function meter(thermal: ThermalStatus | null): Record<string, string> {
  const html = renderToStaticMarkup(<ThermalGaugeView thermal={thermal} trend={[]} />);
  const tag = /<div[^>]*role="meter"[^>]*>/.exec(html)?.[0] ?? '';
  return Object.fromEntries([...tag.matchAll(/(aria-[a-z]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

function expectInRange(attributes: Record<string, string>): void {
  const now = Number(attributes['aria-valuenow']);
  expect(attributes['aria-valuenow'], 'aria-valuenow is set').toMatch(/^-?\d+(\.\d+)?$/);
  expect(now).toBeGreaterThanOrEqual(Number(attributes['aria-valuemin']));
  expect(now).toBeLessThanOrEqual(Number(attributes['aria-valuemax']));
}

describe('the CPU temperature meter', () => {
  it.each([
    ['before the first status', null],
    ['without a sensor', status({ available: false, temperatureC: -1, source: 'none' })],
  ])('%s says unavailable and keeps aria-valuenow in range', (_, thermal) => {
    const attributes = meter(thermal);
    expect(attributes['aria-label']).toBe('CPU temperature');
    expect(attributes['aria-valuetext']).toBe('unavailable');
    expectInRange(attributes);
  });

  it('with a sensor gives the temperature as its value', () => {
    const attributes = meter(status({ temperatureC: 61.26 }));
    expect(attributes['aria-valuenow']).toBe('61.3');
    expect(attributes['aria-valuetext']).toMatch(/61\.3/);
    expectInRange(attributes);
  });

  it('pins a reading beyond its range to the end, and the text still says the reading', () => {
    const attributes = meter(status({ temperatureC: 104 }));
    expectInRange(attributes);
    expect(attributes['aria-valuenow']).toBe(attributes['aria-valuemax']);
    expect(attributes['aria-valuetext']).toMatch(/104/);
  });
});
