import { useHearth } from '../store/context';

export function ModelBadge() {
  const model = useHearth((s) => s.model);
  if (!model) return null;
  switch (model.state) {
    case 'loading': {
      const percent = Math.round((model.progress ?? 0) * 100);
      return (
        <span className="model model-loading">
          <span className="model-text">Loading model {percent}%</span>
          <span
            className="progress"
            role="progressbar"
            aria-label="Loading model"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
          >
            <span className="progress-fill" style={{ width: `${percent}%` }} />
          </span>
        </span>
      );
    }
    case 'ready':
      return (
        <span
          className="model model-ready"
          title={model.threads ? `${model.threads} threads` : undefined}
        >
          <span className="dot" aria-hidden="true" />
          <span className="model-text">{model.name ?? 'Model ready'}</span>
        </span>
      );
    case 'error':
      return (
        <span className="model model-error">
          <span className="dot" aria-hidden="true" />
          <span className="model-text">Model error</span>
        </span>
      );
    case 'none':
      return <span className="model model-none">No model</span>;
  }
}
