import { lazy, Suspense, useCallback, useState } from 'react';
import { useActions, useHearth } from '../store/context';
import { ConnectionStatus } from './ConnectionStatus';
import { MenuIcon, PlusIcon } from './icons';
import { ModelBadge } from './ModelBadge';
import { ThermalGauge } from './ThermalGauge';
import { useLongPress } from './kiosk/longPress';

// The owner's hidden way out of kiosk mode; nobody else ever loads it.
const KioskExitPad = lazy(() =>
  import('./kiosk/KioskExitPad').then((m) => ({ default: m.KioskExitPad })),
);

export function Header({
  onOpenHistory,
  historyOpen,
}: {
  onOpenHistory(): void;
  historyOpen: boolean;
}) {
  const actions = useActions();
  const owner = useHearth((s) => s.role === 'owner');
  const [exitOpen, setExitOpen] = useState(false);
  const closeExit = useCallback(() => setExitOpen(false), []);
  const openExit = useCallback(() => setExitOpen(true), []);
  // Hidden on purpose: a long press on the logo, by the owner only; the heading stays a heading.
  const longPress = useLongPress(openExit, owner);
  return (
    <>
      <header className="topbar">
        <button
          type="button"
          className="button icon-button menu"
          aria-label="Conversations"
          aria-expanded={historyOpen}
          onClick={onOpenHistory}
        >
          <MenuIcon />
        </button>
        <h1 className="brand" {...longPress}>
          Hearth
        </h1>
        <div className="model-slot">
          <ModelBadge />
        </div>
        <ThermalGauge />
        <ConnectionStatus />
        <button type="button" className="button new" onClick={() => void actions.newConversation()}>
          <PlusIcon />
          <span className="label">
            New<span className="label-rest"> conversation</span>
          </span>
        </button>
      </header>
      {exitOpen && (
        <Suspense fallback={null}>
          <KioskExitPad onClose={closeExit} />
        </Suspense>
      )}
    </>
  );
}
