import type { ReactNode } from 'react';

export interface ConfirmPromptProps {
  /** The row's own class, so each list lays the prompt out its way. */
  className: string;
  question: ReactNode;
  /** The destructive action's button text, e.g. "Delete". */
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * Asks before a destructive action in a list row: one tap on a small
 * touchscreen is too easy to make by mistake for something that cannot be undone.
 */
export function ConfirmPrompt({
  className,
  question,
  confirmLabel,
  onConfirm,
  onCancel,
}: ConfirmPromptProps) {
  return (
    <div className={className}>
      <span>{question}</span>
      <button type="button" className="button button-danger" onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
