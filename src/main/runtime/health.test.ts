import { describe, expect, it } from 'vitest';
import type { ModelStatus, ThermalStatus } from '../../shared/api';
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

function sources(
  model: ModelStatus,
  thermal: ThermalStatus = cool,
  sessions = { connected: 0, disconnected: 0 },
): HealthSources {
  return {
    model: () => model,
    thermal: () => thermal,
    answers: () => ({ active: 1, queued: 2 }),
    conversations: () => 3,
    sessions: () => sessions,
    voice: () => ({ canHear: true, canSpeak: false, note: 'flite is not installed' }),
    voiceEngines: () => ({
      vad: { present: true },
      stt: { engine: 'moonshine', model: 'moonshine-tiny-en' },
      tts: {
        engine: 'none',
        error:
          'Amy (US English, low) failed its check: /home/pi/.local/share/hearth/voice-models/piper-amy-low/en_US-amy-low.onnx changed',
      },
    }),
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

  it('carries the session counts and the answers under way, and names no path of this machine', () => {
    const s = sources(
      {
        state: 'error',
        name: '/home/pi/models/x.gguf',
        error: 'cannot read /home/pi/models/x.gguf',
      },
      { ...cool, reason: 'sensor /sys/class/thermal/thermal_zone0/temp is stuck' },
      { connected: 2, disconnected: 1 },
    );
    const report = healthReport(s);
    expect(report.sessions).toEqual({
      connected: 2,
      disconnected: 1,
      activeGenerations: 1,
      queuedPrompts: 2,
    });
    expect(JSON.stringify(report)).not.toMatch(/\/home\/pi|\/sys\/class/);
    expect(report.model.error).toMatch(/cannot read .*x\.gguf/);
    // Whether Hearth can hear and speak, and why not.
    expect(report.voice).toEqual({
      canHear: true,
      canSpeak: false,
      note: 'flite is not installed',
    });
    // Which engines are in use, by model id, and why one is off, without its path.
    expect(report.voiceEngines.stt).toEqual({ engine: 'moonshine', model: 'moonshine-tiny-en' });
    expect(report.voiceEngines.tts.engine).toBe('none');
    expect(report.voiceEngines.tts.error).toMatch(
      /^Amy .*failed its check: .*en_US-amy-low\.onnx changed$/,
    );
  });
});
