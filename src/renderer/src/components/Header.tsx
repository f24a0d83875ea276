import { useActions } from '../store/context';
import { ConnectionStatus } from './ConnectionStatus';
import { MenuIcon, PlusIcon } from './icons';
import { ModelBadge } from './ModelBadge';
import { ThermalGauge } from './ThermalGauge';

export function Header({
  onOpenHistory,
  historyOpen,
}: {
  onOpenHistory(): void;
  historyOpen: boolean;
}) {
  const actions = useActions();
  return (
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
      <h1 className="brand">Hearth</h1>
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
  );
}
