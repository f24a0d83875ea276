import { describe, expect, it } from 'vitest';
import { savedSettings } from '../../../../testing/settingsFakes';
import {
  currentPinProblem,
  overriddenBy,
  pinChange,
  pinProblem,
  savedNotice,
  stepCelsius,
  systemPromptProblem,
  shownThermal,
  thermalChange,
  thermalProblems,
} from './settingsForm';

describe('the thermal thresholds form', () => {
  it('accepts a pair in range with the resume temperature at least 2 °C under the trigger', () => {
    expect(thermalProblems({ trigger: '80', resume: '78' })).toEqual({});
    expect(thermalProblems({ trigger: '50', resume: '40' })).toEqual({});
    expect(thermalProblems({ trigger: '95', resume: '90' })).toEqual({});
  });

  it('names the resume field when it is not far enough under the trigger', () => {
    expect(thermalProblems({ trigger: '79', resume: '80' })).toEqual({
      resume: 'Resume below must be at least 2 °C under Start cooling at (77 °C or less).',
    });
    expect(thermalProblems({ trigger: '80', resume: '79' }).resume).toMatch(/at least 2 °C/);
    expect(thermalProblems({ trigger: '80', resume: '79' }).trigger).toBeUndefined();
  });

  it('names each field that is out of range or not a number', () => {
    expect(thermalProblems({ trigger: '96', resume: '80' })).toEqual({
      trigger: 'Start cooling at must be between 50 and 95 °C.',
    });
    expect(thermalProblems({ trigger: '85', resume: '39' })).toEqual({
      resume: 'Resume below must be between 40 and 90 °C.',
    });
    expect(thermalProblems({ trigger: '', resume: 'warm' })).toEqual({
      trigger: 'Enter start cooling at in °C.',
      resume: 'Enter resume below in °C.',
    });
  });

  it('sends only the thresholds that changed', () => {
    const saved = savedSettings();
    expect(thermalChange(saved, { trigger: '85', resume: '80' })).toEqual({});
    expect(thermalChange(saved, { trigger: '78', resume: '80' })).toEqual({ thermalTriggerC: 78 });
    expect(thermalChange(saved, { trigger: '85', resume: '70' })).toEqual({ thermalResumeC: 70 });
    expect(thermalChange(saved, { trigger: '75', resume: '70' })).toEqual({
      thermalTriggerC: 75,
      thermalResumeC: 70,
    });
  });

  it('does not send back a threshold another screen changed while this one edited the other', () => {
    const edited = { trigger: '90' };
    // Another screen saves resume 70 while this one has the trigger open.
    const later = savedSettings({ thermalResumeC: 70 });
    const shown = shownThermal(later, edited);
    expect(shown).toEqual({ trigger: '90', resume: '70' });
    expect(thermalChange(later, shown)).toEqual({ thermalTriggerC: 90 });
  });

  it('steps by whole degrees and stays in range', () => {
    const range = { min: 50, max: 95 };
    expect(stepCelsius('85', 1, range, 85)).toBe('86');
    expect(stepCelsius('95', 1, range, 85)).toBe('95');
    expect(stepCelsius('50', -1, range, 85)).toBe('50');
    expect(stepCelsius('', -1, range, 85)).toBe('84');
    expect(stepCelsius('120', -1, range, 85)).toBe('95');
  });
});

describe('the other fields', () => {
  it('a new PIN needs 4 to 8 digits, typed the same twice', () => {
    expect(pinProblem('123', '123')).toBe('A PIN is 4 to 8 digits.');
    expect(pinProblem('2468', '')).toBe('Type the PIN a second time.');
    expect(pinProblem('2468', '2469')).toBe('The two PINs differ: type the same PIN twice.');
    expect(pinProblem('2468', '2468')).toBeUndefined();
    expect(pinProblem('12345678', '12345678')).toBeUndefined();
  });

  it('asks for the current PIN, 4 to 8 digits, before a PIN that is set changes', () => {
    for (const typed of ['', '123', '123456789']) {
      expect(currentPinProblem(typed), typed).toBe('Type the current PIN (4 to 8 digits).');
    }
    expect(currentPinProblem('2468')).toBeUndefined();
    expect(currentPinProblem('12345678')).toBeUndefined();
  });

  it('sends the current PIN with a change or removal only when a PIN is set', () => {
    expect(pinChange('2468', '', false)).toEqual({ kioskPin: '2468' });
    expect(pinChange('5678', '2468', true)).toEqual({ kioskPin: '5678', currentPin: '2468' });
    expect(pinChange(null, '2468', true)).toEqual({ kioskPin: null, currentPin: '2468' });
  });

  it('a system prompt over the limit says by how much', () => {
    expect(systemPromptProblem('x'.repeat(4000))).toBeUndefined();
    expect(systemPromptProblem('x'.repeat(4003))).toBe(
      'The system prompt is 3 characters too long (at most 4000).',
    );
  });

  it('after a save, names the settings that wait for a restart', () => {
    expect(savedNotice([])).toBe('Saved.');
    expect(savedNotice(['systemPrompt'])).toBe(
      'Saved. System prompt applies after Hearth restarts.',
    );
    expect(savedNotice(['thermalTriggerC', 'thermalResumeC'])).toBe(
      'Saved. Start cooling at and Resume below apply after Hearth restarts.',
    );
  });

  it('finds the settings the environment decides', () => {
    const settings = savedSettings({
      environmentOverrides: ['HEARTH_MODEL', 'HEARTH_THERMAL_TRIGGER'],
    });
    expect(overriddenBy(settings, ['thermalTriggerC', 'thermalResumeC'])).toEqual([
      'HEARTH_THERMAL_TRIGGER',
    ]);
    expect(overriddenBy(settings, ['theme'])).toEqual([]);
  });
});
