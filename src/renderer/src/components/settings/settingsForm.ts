// What the Settings sheet checks before it saves, in the owner's words, with the
// same limits main enforces (settingsSchema.ts). Main checks again: a refusal
// from it is shown too.
import {
  SYSTEM_PROMPT_MAX,
  THERMAL_MIN_GAP_C,
  THERMAL_RESUME_RANGE,
  THERMAL_TRIGGER_RANGE,
  type Settings,
  type SettingsChange,
} from '../../../../shared/api';

/** The names the sheet shows for each setting (the labels next to the fields). */
export const SETTING_LABELS: Record<keyof SettingsChange, string> = {
  systemPrompt: 'System prompt',
  thermalTriggerC: 'Start cooling at',
  thermalResumeC: 'Resume below',
  theme: 'Theme',
  tls: 'Secure connection for phones',
  conversationMemoryMb: 'Conversation memory on disk',
  voiceRate: 'Speaking rate',
  handsFreeQuietSec: 'Hands-free stops after',
  voiceRecognizer: 'Speech recognition',
  voiceVoice: 'Voice',
  kioskPin: 'Kiosk exit PIN',
  currentPin: 'Current PIN',
};

/** The environment variable that decides each setting when it is set. */
export const SETTING_VARIABLES = {
  model: 'HEARTH_MODEL',
  systemPrompt: 'HEARTH_SYSTEM_PROMPT',
  thermalTriggerC: 'HEARTH_THERMAL_TRIGGER',
  thermalResumeC: 'HEARTH_THERMAL_RESUME',
  theme: 'HEARTH_THEME',
  kioskPin: 'HEARTH_KIOSK_PIN_HASH',
  tls: 'HEARTH_TLS',
  conversationMemoryMb: 'HEARTH_CONVERSATION_MEMORY_MB',
  voiceRate: 'HEARTH_VOICE_RATE',
  voiceRecognizer: 'HEARTH_VOICE_RECOGNIZER',
  voiceVoice: 'HEARTH_VOICE_VOICE',
  handsFreeQuietSec: 'HEARTH_HANDS_FREE_QUIET_SEC',
} as const;
export type ShownSetting = keyof typeof SETTING_VARIABLES;

/** The variables of these settings that are set in Hearth's environment. */
export function overriddenBy(settings: Settings, names: readonly ShownSetting[]): string[] {
  return names
    .map((name) => SETTING_VARIABLES[name])
    .filter((variable) => settings.environmentOverrides.includes(variable));
}

export function overrideNote(variable: string): string {
  return `${variable} is set in the environment: it wins at the next start, so change it there.`;
}

/** The thresholds as typed: text, so a field can be empty while the owner types. */
export interface ThermalDraft {
  trigger: string;
  resume: string;
}

export interface ThermalProblems {
  trigger?: string;
  resume?: string;
}

function celsius(text: string): number | undefined {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function rangeProblem(
  label: string,
  value: number | undefined,
  range: { min: number; max: number },
): string | undefined {
  if (value === undefined) return `Enter ${label.toLowerCase()} in °C.`;
  if (value < range.min || value > range.max) {
    return `${label} must be between ${range.min} and ${range.max} °C.`;
  }
  return undefined;
}

/** What is wrong with each field, in one sentence; an empty object when both are fine. */
export function thermalProblems(draft: ThermalDraft): ThermalProblems {
  const trigger = celsius(draft.trigger);
  const resume = celsius(draft.resume);
  const problems: ThermalProblems = {};
  const triggerProblem = rangeProblem('Start cooling at', trigger, THERMAL_TRIGGER_RANGE);
  const resumeProblem = rangeProblem('Resume below', resume, THERMAL_RESUME_RANGE);
  if (triggerProblem) problems.trigger = triggerProblem;
  if (resumeProblem) problems.resume = resumeProblem;
  else if (trigger !== undefined && resume !== undefined && resume > trigger - THERMAL_MIN_GAP_C) {
    problems.resume =
      `Resume below must be at least ${THERMAL_MIN_GAP_C} °C under Start cooling at ` +
      `(${trigger - THERMAL_MIN_GAP_C} °C or less).`;
  }
  return problems;
}

/**
 * What the thermal fields show: the owner's edits, and the saved value for a
 * field not edited, so that a change saved on another screen shows here and is
 * not sent back over it.
 */
export function shownThermal(saved: Settings, edited: Partial<ThermalDraft>): ThermalDraft {
  return {
    trigger: edited.trigger ?? String(saved.thermalTriggerC),
    resume: edited.resume ?? String(saved.thermalResumeC),
  };
}

/** Only the thresholds that differ from the saved ones: the rest is not sent. */
export function thermalChange(saved: Settings, draft: ThermalDraft): SettingsChange {
  const change: SettingsChange = {};
  const trigger = celsius(draft.trigger);
  const resume = celsius(draft.resume);
  if (trigger !== undefined && trigger !== saved.thermalTriggerC) change.thermalTriggerC = trigger;
  if (resume !== undefined && resume !== saved.thermalResumeC) change.thermalResumeC = resume;
  return change;
}

/** One step of a stepper, kept in range, from whatever is typed now. */
export function stepCelsius(
  text: string,
  by: number,
  range: { min: number; max: number },
  fallback: number,
): string {
  const value = celsius(text) ?? fallback;
  return String(Math.min(range.max, Math.max(range.min, Math.round(value) + by)));
}

export function systemPromptProblem(text: string): string | undefined {
  return text.length > SYSTEM_PROMPT_MAX
    ? `The system prompt is ${text.length - SYSTEM_PROMPT_MAX} characters too long (at most ${SYSTEM_PROMPT_MAX}).`
    : undefined;
}

export const PIN_PATTERN = /^\d{4,8}$/;

/** Why a new PIN typed twice cannot be saved yet; undefined when it can. */
export function pinProblem(pin: string, again: string): string | undefined {
  if (!PIN_PATTERN.test(pin)) return 'A PIN is 4 to 8 digits.';
  if (again === '') return 'Type the PIN a second time.';
  if (again !== pin) return 'The two PINs differ: type the same PIN twice.';
  return undefined;
}

/** Why the current PIN, asked before a PIN that is set changes, cannot be sent yet. */
export function currentPinProblem(current: string): string | undefined {
  return PIN_PATTERN.test(current) ? undefined : 'Type the current PIN (4 to 8 digits).';
}

/**
 * The change that sets, replaces or (null) removes the PIN. Main refuses to
 * replace or remove a PIN that is set without the current one.
 */
export function pinChange(
  kioskPin: string | null,
  current: string,
  pinSet: boolean,
): SettingsChange {
  return pinSet ? { kioskPin, currentPin: current } : { kioskPin };
}

function joinNames(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** What the sheet says after a save: which changes wait for a restart, if any. */
export function savedNotice(restartNeeded: readonly string[]): string {
  if (restartNeeded.length === 0) return 'Saved.';
  const names = restartNeeded.map((name) => SETTING_LABELS[name as keyof SettingsChange] ?? name);
  const verb = names.length === 1 ? 'applies' : 'apply';
  return `Saved. ${joinNames(names)} ${verb} after Hearth restarts.`;
}
