import { useMemo, useState } from 'react';
import { mayDeleteConversation, OWNER_STARTER } from '../../../shared/conversationStarter';
import { formatWhen } from '../format';
import { useActions, useHearth } from '../store/context';
import { ConfirmPrompt } from './ConfirmPrompt';
import { Sheet } from './Sheet';
import { TrashIcon } from './icons';
import { UndoDelete } from './UndoDelete';

export interface HistoryDrawerProps {
  open: boolean;
  onClose(): void;
  onCheckCooling(): void;
  onConnectPhone(): void;
  onOpenSettings(): void;
}

export function HistoryDrawer({
  open,
  onClose,
  onCheckCooling,
  onConnectPhone,
  onOpenSettings,
}: HistoryDrawerProps) {
  const conversations = useHearth((s) => s.conversations);
  // Pairing phones and loading the CPU for a cooling check are the owner's (the kiosk, an owner-page browser).
  const owner = useHearth((s) => s.role === 'owner');
  const currentId = useHearth((s) => s.current?.id);
  // Who this screen is, as conversations name their starter: a phone may delete only its own.
  const viewer = useHearth((s) => s.viewer ?? (s.role === 'owner' ? OWNER_STARTER : undefined));
  const actions = useActions();
  const [confirming, setConfirming] = useState<string | null>(null);
  const sorted = useMemo(
    () => [...conversations].sort((a, b) => b.updatedAt - a.updatedAt),
    [conversations],
  );

  const close = () => {
    setConfirming(null);
    onClose();
  };

  return (
    <Sheet title="Conversations" open={open} onClose={close} side="left">
      <UndoDelete />
      {sorted.length === 0 ? (
        <p className="muted">No conversations yet.</p>
      ) : (
        <ul className="conv-list">
          {sorted.map((c) => {
            const title = c.title.trim() || 'Untitled';
            return (
              <li key={c.id} className={c.id === currentId ? 'conv conv-current' : 'conv'}>
                {confirming === c.id ? (
                  <ConfirmPrompt
                    className="conv-confirm"
                    question={<>Delete “{title}”?</>}
                    confirmLabel="Delete"
                    onConfirm={() => {
                      setConfirming(null);
                      void actions.deleteConversation(c.id);
                    }}
                    onCancel={() => setConfirming(null)}
                  />
                ) : (
                  <>
                    <button
                      type="button"
                      className="conv-open"
                      aria-current={c.id === currentId ? 'true' : undefined}
                      onClick={() => {
                        void actions.openConversation(c.id);
                        close();
                      }}
                    >
                      <span className="conv-title">{title}</span>
                      <span className="conv-meta">
                        {c.messageCount} {c.messageCount === 1 ? 'message' : 'messages'} ·{' '}
                        {formatWhen(c.updatedAt)}
                      </span>
                    </button>
                    {mayDeleteConversation(viewer, c.startedBy) && (
                      <button
                        type="button"
                        className="button icon-button"
                        aria-label={`Delete ${title}`}
                        onClick={() => setConfirming(c.id)}
                      >
                        <TrashIcon />
                      </button>
                    )}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {owner && (
        <div className="sheet-foot">
          {(
            [
              ['Connect a phone', onConnectPhone],
              ['Check cooling', onCheckCooling],
              ['Settings', onOpenSettings],
            ] as const
          ).map(([label, open]) => (
            <button
              key={label}
              type="button"
              className="button"
              onClick={() => {
                close();
                open();
              }}
            >
              {label}
            </button>
          ))}
        </div>
      )}
    </Sheet>
  );
}
