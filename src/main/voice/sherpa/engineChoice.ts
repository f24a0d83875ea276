// Which engine one half of voice uses, from the owner's choice and what is
// installed: 'auto' takes the recommended installed model, else any installed
// one, else the floor (pocketsphinx / flite); a catalog id takes that model if
// it is installed and turns the half off with a sentence if not; the floor's
// name takes the floor.
import {
  AUTOMATIC_CHOICE,
  FLOOR_RECOGNIZER,
  FLOOR_VOICE,
  type VoiceModelKind,
} from '../../../shared/voiceModelsSchema';
import { VOICE_CATALOG, type VoiceCatalogEntry } from '../models/voiceCatalog';

export type EnginePick =
  | { engine: 'floor' }
  | { engine: 'model'; entry: VoiceCatalogEntry }
  | { engine: 'off'; error: string };

/** The floor engine's name for a kind. */
export function floorOf(kind: VoiceModelKind): string {
  return kind === 'recognizer' ? FLOOR_RECOGNIZER : FLOOR_VOICE;
}

const WHAT = { recognizer: 'speech recognizer', voice: 'voice' } as const;

export function pickEngine(
  kind: VoiceModelKind,
  chosen: string,
  installedIds: readonly string[],
  catalog: readonly VoiceCatalogEntry[] = VOICE_CATALOG,
): EnginePick {
  if (chosen === floorOf(kind)) return { engine: 'floor' };
  const installed = catalog.filter((e) => e.kind === kind && installedIds.includes(e.id));
  if (chosen === AUTOMATIC_CHOICE) {
    const entry = installed.find((e) => e.recommended) ?? installed[0];
    return entry ? { engine: 'model', entry } : { engine: 'floor' };
  }
  const entry = catalog.find((e) => e.kind === kind && e.id === chosen);
  if (!entry) {
    return {
      engine: 'off',
      error: `"${chosen}" is not a ${WHAT[kind]} Hearth knows; choose another in Settings > Voice.`,
    };
  }
  if (!installed.includes(entry)) {
    return {
      engine: 'off',
      error: `${entry.displayName} is chosen but not downloaded; download it in Settings > Voice or choose another.`,
    };
  }
  return { engine: 'model', entry };
}
