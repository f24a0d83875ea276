import { describe, expect, it } from 'vitest';
import type { ModelStatus, ThermalStatus } from '../../shared/api';
import { ConnectedClients } from '../rpc/connectedClients';
import { healthReport, type HealthSources } from './health';

const cool: ThermalStatus = {
  available: true,
  temperatureC: 55,
  protection: false,
  triggerC: 85,
  resumeC: 80,
  source: 'sysfs',
  recent: [],
};

function sources(model: ModelStatus, thermal: ThermalStatus = cool): HealthSources {
  return {
    model: () => model,
    thermal: () => thermal,
    answers: () => ({ active: 1, queued: 2 }),
    conversations: () => 3,
    clients: new ConnectedClients(),
  };
}

describe('health report', () => {
  it('is ok with a ready model and a cool board, degraded while cooling or loading, error on a failed model', () => {
    expect(healthReport(sources({ state: 'ready' })).status).toBe('ok');
    expect(healthReport(sources({ state: 'ready' }, { ...cool, protection: true })).status).toBe(
      'degraded',
    );
    expect(healthReport(sources({ state: 'loading', progress: 0.5 })).status).toBe('degraded');
    expect(healthReport(sources({ state: 'error', error: 'bad file' })).status).toBe('error');
  });

  it('counts the kiosk window and browsers as clients while they are connected', () => {
    const s = sources({ state: 'ready' });
    const kiosk = s.clients.connect('kiosk');
    const phone = s.clients.connect('browser');
    expect(healthReport(s).sessions).toEqual({
      clients: 2,
      activeGenerations: 1,
      queuedPrompts: 2,
    });
    phone();
    phone();
    expect(healthReport(s).sessions.clients).toBe(1);
    kiosk.dispose();
    expect(healthReport(s).sessions.clients).toBe(0);
  });
});
