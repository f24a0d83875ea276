// A voice model as the engines get it: its catalog entry and the absolute
// paths of its files, each of which has just been checked against the sha256
// recorded when its pinned archive was unpacked. onnxruntime terminates the
// process on some corrupt models instead of throwing, so nothing reaches it
// unchecked.
import type { VoiceCatalogEntry } from './voiceCatalog';

export interface InstalledVoiceModel<E extends VoiceCatalogEntry = VoiceCatalogEntry> {
  entry: E;
  /** The folder it is installed in. */
  dir: string;
  /** entry.files with each path made absolute (dataDir stays a folder). */
  files: { [K in keyof E['files']]: string };
}

/** Where the engines get installed models from (voiceModelStore.ts). */
export interface VoiceModelSource {
  /** Catalog ids of the models installed (unpacked, with their manifest). */
  installedIds(): Promise<string[]>;
  /**
   * The model with every file checked against its manifest now; throws an
   * Error whose message is one sentence naming the model and the problem
   * (not installed, a file missing, changed or truncated).
   */
  verified(id: string): Promise<InstalledVoiceModel>;
}
