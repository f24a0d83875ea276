// "Use a file": the .gguf files Hearth can load, from its models folder or a
// USB stick, each with a Use button. A file on a stick is copied in first. In
// Settings the same list shows the installed models, each with Remove too.
import { useEffect, useState } from 'react';
import type { ModelFile } from '../../../../shared/api';
import { formatBytes } from '../../format';
import { useActions, useHearth } from '../../store/context';
import { RemoveButton, RemovePrompt, type Removal } from './RemovePrompt';

const places: Record<ModelFile['location'], string> = {
  models: 'Models folder',
  usb: 'USB stick',
};

export interface ModelFileListProps {
  /** Null while the list is being looked up. */
  files: ModelFile[] | null;
  /** The list's accessible name. */
  label: string;
  onUse(path: string): void;
  /** Says where each file is (off for the installed models, which are all in one place). */
  showLocation?: boolean;
  /** The file that does not fit whose Use is being confirmed, if any. */
  asking?: string | null;
  /** Use on a file that does not fit asks first: this opens the question. */
  onAsk?(path: string): void;
  onDismiss?(): void;
  /** Offers Remove on each file but the one in use, asking first; absent, nothing is removed here. */
  removal?: Removal;
}

/** Hook-free, so tests can render it with any files and press its buttons. */
export function ModelFileList({
  files,
  label,
  onUse,
  showLocation = true,
  asking = null,
  onAsk,
  onDismiss,
  removal,
}: ModelFileListProps) {
  if (files === null) return <p className="muted">Looking for model files…</p>;
  if (files.length === 0) {
    return (
      <p className="muted">
        No model files found. Copy a .gguf file into Hearth&apos;s models folder or plug in a USB
        stick with one, then refresh.
      </p>
    );
  }
  return (
    <ul className="model-files" aria-label={label}>
      {files.map((file) => (
        <li
          key={file.path}
          className={file.current ? 'model-file model-file-current' : 'model-file'}
        >
          <div className="model-file-info">
            <span className="model-file-name">{file.fileName}</span>
            <span className="model-file-meta">
              {formatBytes(file.sizeBytes)}
              {showLocation && ` · ${places[file.location]}`}
            </span>
            {!file.fits && (
              <span className="fit-warning">
                {file.fitWarning ?? "It may not fit in this machine's memory."}
              </span>
            )}
          </div>
          {file.current ? (
            <span className="badge badge-accent">In use</span>
          ) : removal?.asking === file.fileName ? (
            <RemovePrompt
              name={file.fileName}
              frees={file.sizeBytes}
              removal={removal}
              fileName={file.fileName}
            />
          ) : asking === file.path ? (
            <div className="model-confirm" role="group" aria-label={`Use ${file.fileName} anyway?`}>
              {/* The Use button just went away: focus follows to the question. */}
              <button
                type="button"
                className="button button-primary"
                autoFocus
                onClick={() => onUse(file.path)}
              >
                Use anyway<span className="visually-hidden"> {file.fileName}</span>
              </button>
              <button type="button" className="button" onClick={onDismiss}>
                Not now
              </button>
            </div>
          ) : (
            <>
              <button
                type="button"
                className="button"
                onClick={() => (!file.fits && onAsk ? onAsk(file.path) : onUse(file.path))}
              >
                Use<span className="visually-hidden"> {file.fileName}</span>
              </button>
              {removal && (
                <RemoveButton name={file.fileName} onClick={() => removal.onAsk(file.fileName)} />
              )}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The file list with Refresh; asks for the files when it opens. */
export function ModelFilePicker() {
  const files = useHearth((s) => s.modelFiles);
  const actions = useActions();
  const [asking, setAsking] = useState<string | null>(null);
  useEffect(() => {
    void actions.loadModelFiles();
  }, [actions]);
  return (
    <div className="model-file-picker">
      <ModelFileList
        files={files}
        label="Model files"
        asking={asking}
        onAsk={setAsking}
        onDismiss={() => setAsking(null)}
        onUse={(path) => {
          setAsking(null);
          void actions.useModelFile(path);
        }}
      />
      <button type="button" className="button" onClick={() => void actions.loadModelFiles()}>
        Refresh
      </button>
    </div>
  );
}
