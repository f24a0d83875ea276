// Moments when a phone's link is worth trying again at once rather than after
// the rest of a backoff wait: the page became visible again (the phone woke up,
// the user came back to the tab) or the browser came back online.

export interface WakeSource {
  /** Calls onWake at each such moment; the returned function stops it. */
  subscribe(onWake: () => void): () => void;
}

export function browserWakeSource(): WakeSource | undefined {
  if (typeof window === 'undefined' || typeof document === 'undefined') return undefined;
  return {
    subscribe(onWake) {
      const onVisibility = () => {
        if (document.visibilityState === 'visible') onWake();
      };
      window.addEventListener('online', onWake);
      document.addEventListener('visibilitychange', onVisibility);
      return () => {
        window.removeEventListener('online', onWake);
        document.removeEventListener('visibilitychange', onVisibility);
      };
    },
  };
}

export function watchWakeUps(
  onWake: () => void,
  source: WakeSource | undefined = browserWakeSource(),
): () => void {
  return source?.subscribe(onWake) ?? (() => {});
}
