/**
 * Reference numbers of handed sessions the wallet told an ERP page have ended (`handoff.notify`
 * "ended": at a lock, after the 10 h cap, when the page went away). Such a session gets no more
 * refreshes, and the wallet revokes it at KSeF at the next chance — which is after the next unlock
 * when it ended *because* of a lock, so the list must survive the reload that every lock causes.
 *
 * Reference numbers are not secrets (the extension keeps them too); the list lives in the PWA
 * origin's localStorage, bounded and pruned after a day.
 */

export type EndedSessions = {
  add(referenceNumber: string, at: number): void;
  has(referenceNumber: string): boolean;
  list(): readonly string[];
  remove(referenceNumbers: readonly string[]): void;
};

const KEY = 'ksef-wallet.handoff.ended';
const MAX = 500;
const KEEP_MS = 24 * 60 * 60 * 1000;
const REF = /^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/;

type Entry = { readonly ref: string; readonly at: number };

export type StringStore = { getItem(key: string): string | null; setItem(key: string, value: string): void };

export function createEndedSessions(store: StringStore | null, now: () => number): EndedSessions {
  let memory: Entry[] = [];
  const read = (): Entry[] => {
    if (!store) return memory;
    try {
      const raw: unknown = JSON.parse(store.getItem(KEY) ?? '[]');
      if (!Array.isArray(raw)) return [];
      const cutoff = now() - KEEP_MS;
      return raw.filter(
        (e): e is Entry =>
          typeof e === 'object' &&
          e !== null &&
          typeof (e as Entry).ref === 'string' &&
          REF.test((e as Entry).ref) &&
          typeof (e as Entry).at === 'number' &&
          (e as Entry).at > cutoff,
      );
    } catch {
      return [];
    }
  };
  const write = (entries: Entry[]) => {
    const kept = entries.slice(-MAX);
    if (!store) {
      memory = kept;
      return;
    }
    try {
      store.setItem(KEY, JSON.stringify(kept));
    } catch {
      memory = kept; // storage full or blocked: at least this page remembers
    }
  };
  return {
    add(referenceNumber, at) {
      if (!REF.test(referenceNumber)) return;
      const entries = read().filter((e) => e.ref !== referenceNumber);
      write([...entries, { ref: referenceNumber, at }]);
    },
    has: (referenceNumber) => read().some((e) => e.ref === referenceNumber),
    list: () => read().map((e) => e.ref),
    remove(referenceNumbers) {
      const gone = new Set(referenceNumbers);
      write(read().filter((e) => !gone.has(e.ref)));
    },
  };
}

/** The browser's localStorage, or none (private modes that block it): then memory only. */
export function browserEndedSessions(): EndedSessions {
  let store: StringStore | null = null;
  try {
    store = globalThis.localStorage ?? null;
  } catch {
    store = null;
  }
  return createEndedSessions(store, () => Date.now());
}
