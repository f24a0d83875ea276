// A VoiceModelSource with nothing installed: what Hearth uses where voice
// models are not managed (no model store given), so every choice falls back to
// the floor engines or says the chosen model is not downloaded.
import type { VoiceModelSource } from '../models/installedVoiceModel';

export function noVoiceModelSource(): VoiceModelSource {
  return {
    installedIds: () => Promise.resolve([]),
    verified: (id) => Promise.reject(new Error(`The voice model ${id} is not installed.`)),
  };
}
