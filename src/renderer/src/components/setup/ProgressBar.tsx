// The bar of a download or copy: a named progressbar whose value text repeats
// what the line under it says, for screen readers.
export interface ProgressBarProps {
  label: string;
  /** Null while the total is unknown: the bar stays empty and says only the text. */
  percent: number | null;
  text: string;
}

export function ProgressBar({ label, percent, text }: ProgressBarProps) {
  return (
    <div
      className="download-bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={percent === null ? text : `${percent}%, ${text}`}
    >
      {/* React sets the width through the CSSOM, which the page's CSP allows. */}
      <span className="download-fill" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}
