import { formatLink } from '../format';
import { useActions, useHearth } from '../store/context';

export function ConnectionStatus() {
  const link = useHearth((s) => s.link);
  const { retry } = useActions();
  return (
    <div className={`link link-${link.state}`}>
      <span className="link-status" role="status" aria-label="Connection">
        <span className="dot" aria-hidden="true" />
        <span className="link-text">{formatLink(link)}</span>
      </span>
      {link.state === 'lost' && (
        <button type="button" className="button button-small" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
