/**
 * The only writer of chrome.storage in the extension, with a schema allowlist (SECURITY.md T2):
 * the one thing kept there is the wallet's lock state and its expiry, in `storage.session`
 * (memory only, trusted extension contexts only). No key, token or secret can pass the schema.
 * Everything with integrity needs lives in the extension's IndexedDB instead (§3.9).
 */
import * as v from 'valibot';

export const SESSION_STATE_SCHEMAS = Object.freeze({
  walletLock: v.strictObject({
    locked: v.boolean(),
    unlockedUntil: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
    updatedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});

export type SessionStateKey = keyof typeof SESSION_STATE_SCHEMAS;
export type SessionState = { [K in SessionStateKey]: v.InferOutput<(typeof SESSION_STATE_SCHEMAS)[K]> };

/** The subset of chrome.storage.StorageArea used here. */
export type StorageAreaLike = {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
};

export function createSessionState(area: StorageAreaLike) {
  return {
    async write<K extends SessionStateKey>(key: K, value: SessionState[K]): Promise<void> {
      const checked = v.safeParse(SESSION_STATE_SCHEMAS[key], value);
      // A value outside the allowlist is a programming error; it must never reach the storage.
      if (!checked.success) throw new Error(`refused chrome.storage write of ${key}`);
      await area.set({ [key]: checked.output });
    },
    async read<K extends SessionStateKey>(key: K): Promise<SessionState[K] | null> {
      const raw = (await area.get([key]))[key];
      const checked = v.safeParse(SESSION_STATE_SCHEMAS[key], raw);
      return checked.success ? (checked.output as SessionState[K]) : null;
    },
  };
}

/** For the T2 check: does a dump of every chrome.storage area hold only allowlisted, valid entries? */
export function unexpectedStorageEntries(dump: Record<string, unknown>): string[] {
  return Object.entries(dump)
    .filter(
      ([k, value]) =>
        !Object.hasOwn(SESSION_STATE_SCHEMAS, k) ||
        !v.safeParse(SESSION_STATE_SCHEMAS[k as SessionStateKey], value).success,
    )
    .map(([k]) => k);
}
