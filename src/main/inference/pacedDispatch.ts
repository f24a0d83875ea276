// Paces token generation for the thermal governor. node-llama-cpp calls a
// context's `batching.dispatchSchedule` before each batch it decodes (one
// generated token per batch while answering); delaying the call delays that
// token. With a single sequence node-llama-cpp dispatches at once and never
// asks the schedule, which is one reason the engine's context has two.
import type { CustomBatchingDispatchSchedule } from 'node-llama-cpp';

export interface PacedDispatch {
  schedule: CustomBatchingDispatchSchedule;
  /** Runs every delayed dispatch now, so nothing waits on a cleared timer. */
  flush(): void;
}

export function createPacedDispatch(
  delayMs: () => number,
  onDelayed: (ms: number) => void = () => {},
): PacedDispatch {
  const pending = new Map<ReturnType<typeof setTimeout>, () => void>();
  let flushed = false;
  return {
    schedule(dispatch) {
      const ms = flushed ? 0 : delayMs();
      // No pause: dispatch right away, exactly like a single-sequence context.
      if (ms <= 0) return dispatch();
      onDelayed(ms);
      const timer = setTimeout(() => {
        pending.delete(timer);
        dispatch();
      }, ms);
      pending.set(timer, dispatch);
    },
    flush() {
      flushed = true;
      for (const [timer, dispatch] of pending) {
        clearTimeout(timer);
        dispatch();
      }
      pending.clear();
    },
  };
}
