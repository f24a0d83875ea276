// The two voice switches are this device's own (a phone may speak answers while
// the kiosk does not), so they live in the browser's storage, not in Settings.
// What is read back is checked: anything but a boolean counts as never set.

export interface VoicePrefs {
  speakAnswers: boolean;
  handsFree: boolean;
}

/** Where the switches are kept (localStorage). */
export interface PrefsMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const VOICE_PREFS_KEY = 'hearth.voice';
export const defaultVoicePrefs: VoicePrefs = { speakAnswers: false, handsFree: false };

/** The switches as last set on this device; each one that is missing or malformed is off. */
export function readVoicePrefs(memory: PrefsMemory | undefined): VoicePrefs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(memory?.getItem(VOICE_PREFS_KEY) ?? 'null');
  } catch {
    // Unreadable JSON, or storage refused (private mode, a locked-down browser).
    return { ...defaultVoicePrefs };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ...defaultVoicePrefs };
  const stored = parsed as Record<string, unknown>;
  const flag = (key: keyof VoicePrefs): boolean =>
    typeof stored[key] === 'boolean' ? stored[key] : defaultVoicePrefs[key];
  return { speakAnswers: flag('speakAnswers'), handsFree: flag('handsFree') };
}

export function writeVoicePrefs(memory: PrefsMemory | undefined, prefs: VoicePrefs): void {
  try {
    memory?.setItem(VOICE_PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Only a nicety: without storage the switches are off again next time.
  }
}

/** The page's localStorage, when there is one and it may be used. */
export function browserPrefsMemory(): PrefsMemory | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
