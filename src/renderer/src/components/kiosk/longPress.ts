// The hidden gesture that opens the kiosk's way out: press and hold the Hearth
// logo. Moving away or lifting the finger early cancels it, so a tap, a scroll
// or a brush past the logo never opens anything.
import { useEffect, useMemo, type PointerEvent } from 'react';

export const LONG_PRESS_MS = 1500;
/** How far a finger may drift (px) and still be holding still. */
export const LONG_PRESS_SLOP_PX = 12;

/** One press at a time, from pointer down to its long-press or its end. */
export class LongPress {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #start: { x: number; y: number } | null = null;

  constructor(
    private readonly onLongPress: () => void,
    private readonly holdMs = LONG_PRESS_MS,
    private readonly slopPx = LONG_PRESS_SLOP_PX,
  ) {}

  down(x: number, y: number): void {
    this.cancel();
    this.#start = { x, y };
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start = null;
      this.onLongPress();
    }, this.holdMs);
  }

  move(x: number, y: number): void {
    if (this.#start && Math.hypot(x - this.#start.x, y - this.#start.y) > this.slopPx) {
      this.cancel();
    }
  }

  /** Lifted, left or taken over by the browser (a scroll): no long press. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#start = null;
  }
}

/**
 * Pointer handlers for the element to hold; none when not enabled, so the
 * element keeps only what it already is (the heading stays a heading).
 */
export function useLongPress(onLongPress: () => void, enabled: boolean) {
  // A new callback starts over with a new press (callers pass a stable one).
  const press = useMemo(() => new LongPress(onLongPress), [onLongPress]);
  useEffect(() => () => press.cancel(), [press]);
  if (!enabled) return {};
  return {
    onPointerDown: (event: PointerEvent) => {
      if (event.isPrimary && event.button === 0) press.down(event.clientX, event.clientY);
    },
    onPointerMove: (event: PointerEvent) => press.move(event.clientX, event.clientY),
    onPointerUp: () => press.cancel(),
    onPointerCancel: () => press.cancel(),
    onPointerLeave: () => press.cancel(),
    // A held finger asks the browser for a context menu; here it means something else.
    onContextMenu: (event: { preventDefault(): void }) => event.preventDefault(),
  };
}
