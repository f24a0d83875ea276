// Which values the voiceRecognizer and voiceVoice settings take: 'auto', the
// floor engine's name, or the id of a catalog model of that kind. The ids are
// listed here, not read from the catalog (src/main/voice/models/voiceCatalog.ts),
// so that the configuration can check a setting without depending on the voice
// code; a test holds the two lists equal.
import {
  AUTOMATIC_CHOICE,
  FLOOR_RECOGNIZER,
  FLOOR_VOICE,
  type VoiceModelKind,
} from './voiceModelsSchema';

export const VOICE_CATALOG_IDS: Readonly<Record<VoiceModelKind, readonly string[]>> = {
  recognizer: ['moonshine-tiny-en', 'whisper-tiny-en', 'whisper-base-en'],
  voice: ['piper-amy-low', 'piper-lessac-medium'],
};

const WHAT = { recognizer: 'speech recognizer', voice: 'voice' } as const;

/**
 * Why `value` cannot be the `setting` (voiceRecognizer or voiceVoice), in words
 * naming it; undefined when it can.
 */
export function voiceChoiceProblem(
  setting: string,
  kind: VoiceModelKind,
  value: string,
): string | undefined {
  const floor = kind === 'recognizer' ? FLOOR_RECOGNIZER : FLOOR_VOICE;
  const allowed = [AUTOMATIC_CHOICE, floor, ...VOICE_CATALOG_IDS[kind]];
  if (allowed.includes(value)) return undefined;
  return `${setting} must be one of ${allowed.join(', ')}; "${value}" is not a ${WHAT[kind]} Hearth knows`;
}
