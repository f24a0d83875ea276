// Removing a model to free the SD card: a Remove button per file, and the
// question it opens, saying how much space goes back. Removal cannot be undone
// (a model is hundreds of megabytes to download again), so it always asks.
import { formatBytes } from '../../format';
import { ConfirmPrompt } from '../ConfirmPrompt';

/** What a list needs to offer Remove: which file is being asked about, and the answers. */
export interface Removal {
  /** The file name whose removal is being confirmed, if any. */
  asking: string | null;
  onAsk(fileName: string): void;
  onConfirm(fileName: string): void;
  onCancel(): void;
}

export function RemoveButton({ name, onClick }: { name: string; onClick(): void }) {
  return (
    <button type="button" className="button" onClick={onClick}>
      Remove<span className="visually-hidden"> {name}</span>
    </button>
  );
}

export interface RemovePromptProps {
  /** What the owner calls it: a file name, or "the unfinished download of …". */
  name: string;
  /** Bytes the removal gives back. */
  frees: number;
  /** The file in the models folder it removes. */
  fileName: string;
  removal: Removal;
}

export function RemovePrompt({ name, frees, fileName, removal }: RemovePromptProps) {
  return (
    <ConfirmPrompt
      className="model-confirm"
      question={`Remove ${name}? It frees ${formatBytes(frees)}.`}
      confirmLabel="Remove"
      onConfirm={() => removal.onConfirm(fileName)}
      onCancel={removal.onCancel}
    />
  );
}
