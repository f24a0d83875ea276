import { useActions, useHearth } from '../store/context';
import type { DeletedConversation } from '../store/state';

export interface UndoDeleteViewProps {
  undo: DeletedConversation | null;
  onUndo(): void;
}

/**
 * What a delete leaves behind for a few seconds: "Conversation deleted" and
 * Undo. The status region is always there (empty when nothing was deleted), so
 * a screen reader announces it when it fills. Hook-free, so tests can press Undo.
 */
export function UndoDeleteView({ undo, onUndo }: UndoDeleteViewProps) {
  return (
    <div className="undo-status" role="status">
      {undo && (
        <>
          <span>Conversation deleted</span>
          <button type="button" className="button" onClick={onUndo}>
            Undo
          </button>
        </>
      )}
    </div>
  );
}

export function UndoDelete() {
  const undo = useHearth((s) => s.undo);
  const actions = useActions();
  return <UndoDeleteView undo={undo} onUndo={() => void actions.undoDelete()} />;
}
