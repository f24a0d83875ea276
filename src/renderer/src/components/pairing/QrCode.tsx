import { useMemo } from 'react';
import { qrMatrix } from './qrMatrix';

/** The four-module margin a QR reader needs around the code. */
const QUIET_ZONE = 4;

/** A QR code of `text`, drawn as SVG rectangles: dark on light, as readers expect. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, runs } = useMemo(() => qrMatrix(text), [text]);
  const side = size + 2 * QUIET_ZONE;
  return (
    <svg
      className="qr"
      viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${side} ${side}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={side} height={side} className="qr-light" />
      {runs.map(({ x, y, width }) => (
        <rect key={`${x},${y}`} x={x} y={y} width={width} height={1} className="qr-dark" />
      ))}
    </svg>
  );
}
