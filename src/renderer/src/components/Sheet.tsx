import { useEffect, useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons';

export interface SheetProps {
  title: string;
  open: boolean;
  onClose(): void;
  side: 'left' | 'center';
  children: ReactNode;
}

/** A modal panel (the history drawer, the cooling check): Escape or the scrim closes it. */
export function Sheet({ title, open, onClose, side, children }: SheetProps) {
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const returnTo = document.activeElement as HTMLElement | null;
    panel.current?.querySelector<HTMLElement>('button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      returnTo?.focus?.();
    };
  }, [open, onClose]);

  if (!open) return null;
  return (
    <div className={`sheet-layer sheet-${side}`}>
      <div className="scrim" onClick={onClose} aria-hidden="true" />
      <div ref={panel} className="sheet" role="dialog" aria-modal="true" aria-label={title}>
        <div className="sheet-head">
          <h2>{title}</h2>
          <button type="button" className="button icon-button" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </div>
        <div className="sheet-body">{children}</div>
      </div>
    </div>
  );
}
