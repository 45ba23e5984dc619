/**
 * What every vault use case gets: the database, its platform (Web Crypto, randomness, clock,
 * timers — injected, so Node tests run the same code on fake-indexeddb with a fake clock), the
 * unlocked keys when there are any, and one writer lock.
 *
 * Why a writer lock: an IndexedDB transaction commits as soon as it waits for anything but
 * IndexedDB, so crypto cannot run inside one. Each write therefore does its crypto first, then
 * writes everything in one short transaction; the lock keeps two writes from interleaving between
 * those steps (the activity-log chain and the read-then-write checks depend on it). Inside the
 * transaction the log head is compared with the one the crypto was based on, so a second writer
 * elsewhere (another worker instance) is detected instead of forking the chain.
 */
import type { VaultKeys } from '../../shared/crypto/vault-keyring.ts';
import type { Clock } from '../../shared/platform.ts';
import { ok } from '../../shared/result.ts';
import { appendEntries, type PendingEntry } from './activity-log.ts';
import { type VaultResult, type vaultError, vfail } from './errors.ts';
import type { LogHead } from './records.ts';
import type { VaultDatabase, VaultTableName } from './schema.ts';

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type VaultPlatform = {
  readonly subtle: SubtleCrypto;
  random(bytes: number): Uint8Array;
  readonly clock: Pick<Clock, 'now'>;
  readonly timers: Timers;
};

export type Unlocked = {
  readonly keys: VaultKeys;
  readonly unlockedAt: number;
  lastActivity: number;
  /** The decrypted log head, cached while unlocked (re-read when a conflict is detected). */
  head?: { readonly seq: number; readonly mac: Uint8Array; readonly stored: LogHead | undefined };
};

export type VaultContext = {
  readonly db: VaultDatabase;
  readonly platform: VaultPlatform;
  unlocked: Unlocked | null;
  /** Runs `fn` alone among writers. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
};

export function createWriterLock(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** RFC 4122 version-4 UUID from the injected randomness. */
export function newUuid(platform: Pick<VaultPlatform, 'random'>): string {
  const b = platform.random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Random nonce for the T12 intent: short enough for a token description or certificate name. */
export function newNonce(platform: Pick<VaultPlatform, 'random'>): string {
  return Array.from(platform.random(6), (x) => x.toString(16).padStart(2, '0')).join('');
}

export function requireUnlocked(ctx: VaultContext): VaultResult<Unlocked> {
  return ctx.unlocked ? ok(ctx.unlocked) : vfail('VAULT_LOCKED');
}

export class HeadConflict extends Error {}
/** Thrown inside a transaction to abort it with a vault error (Dexie rolls the transaction back). */
export class AbortWrite extends Error {
  constructor(readonly error: ReturnType<typeof vaultError>) {
    super(error.reason);
  }
}

export type Commit<T> = {
  readonly tables: readonly VaultTableName[];
  /** Activity entries to append in the same transaction. */
  readonly log?: readonly PendingEntry[];
  /** Dexie operations only: no other awaits (the transaction would commit early). */
  write(): Promise<T>;
};

/**
 * Writes in one transaction, with its activity entries and the new log head. Call inside
 * `ctx.exclusive`. A failed transaction changes nothing.
 */
export async function commit<T>(ctx: VaultContext, u: Unlocked, c: Commit<T>): Promise<VaultResult<T>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const appended = await appendEntries(ctx, u, c.log ?? []);
    if (!appended.ok) return appended;
    const { entries, head, basedOn } = appended.value;
    try {
      const tables = [...new Set([...c.tables, 'activity', 'meta'])] as VaultTableName[];
      const value = await ctx.db.transaction('rw', tables, async () => {
        if (entries.length > 0) {
          const current = (await ctx.db.meta.get('log-head'))?.value as LogHead | undefined;
          if ((current?.seq ?? 0) !== (basedOn?.seq ?? 0) || !sameBytes(current?.sealed, basedOn?.sealed)) {
            throw new HeadConflict();
          }
        }
        const v = await c.write();
        if (entries.length > 0) {
          await ctx.db.activity.bulkAdd(entries);
          await ctx.db.meta.put({ key: 'log-head', value: head.stored! });
        }
        return v;
      });
      if (entries.length > 0) u.head = head;
      return ok(value);
    } catch (e) {
      if (e instanceof HeadConflict) {
        u.head = undefined;
        continue;
      }
      if (e instanceof AbortWrite) return { ok: false, error: e.error };
      const name = (e as { name?: string })?.name ?? 'Error';
      if (name === 'ConstraintError') return vfail('DUPLICATE');
      return vfail('STORAGE_FAILED', name);
    }
  }
  return vfail('CONFLICT', 'the activity log was written elsewhere at the same time');
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
