// Where a client keeps what it needs to resume its session: in memory, and in
// the tab's sessionStorage so that a reload (or a phone browser bringing back a
// discarded tab) resumes the same session. sessionStorage is per tab: two tabs
// never claim one session.

export interface SavedSession {
  sessionId: string;
  secret: string;
}

export interface ResumeStore {
  load(): SavedSession | undefined;
  save(session: SavedSession): void;
}

const KEY = 'hearth.session';

/** A store in this page's memory only (tests, and browsers that refuse storage). */
export function memoryResumeStore(initial?: SavedSession): ResumeStore {
  let saved = initial;
  return {
    load: () => saved,
    save: (session) => {
      saved = session;
    },
  };
}

/**
 * The tab's sessionStorage, falling back to memory where storage throws
 * (private modes, storage disabled): resuming after a drop still works there.
 */
export function tabResumeStore(storage: Storage | undefined = tabStorage()): ResumeStore {
  const memory = memoryResumeStore();
  return {
    load() {
      const fromMemory = memory.load();
      if (fromMemory) return fromMemory;
      try {
        return parse(storage?.getItem(KEY) ?? null);
      } catch {
        return undefined;
      }
    },
    save(session) {
      memory.save(session);
      try {
        storage?.setItem(KEY, JSON.stringify(session));
      } catch {
        // Memory still has it.
      }
    },
  };
}

function tabStorage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined; // a sandboxed page may throw just for looking
  }
}

function parse(text: string | null): SavedSession | undefined {
  if (!text) return undefined;
  const value = JSON.parse(text) as Partial<SavedSession> | null;
  return typeof value?.sessionId === 'string' && typeof value.secret === 'string'
    ? { sessionId: value.sessionId, secret: value.secret }
    : undefined;
}
