/**
 * A small page for driving the real vault in Chromium: the PWA's `connectVault` (Trusted Types
 * worker URL, shared key worker, RPC facade) under the PWA's real CSP, plus the shared behaviour
 * suite. Puppeteer calls `window.vaultPage.*` through `page.evaluate`.
 */
import { connectVault } from '../../../pwa/vault/connect-vault.ts';
import { openVersion1Database } from '../../../pwa/vault/schema.ts';
import type { Vault } from '../../../pwa/vault/vault-api.ts';
import type { VaultClient } from '../../../pwa/vault/vault-client.ts';
import { decodeRows } from '../../fixtures/vault/fixture-codec.ts';
import { issueFor, rawStore, VAULT_CASES, type VaultHarness } from './vault-suite.ts';

type Outcome = { ok: boolean; error?: string; ms: number };

const events: unknown[] = [];
let client: VaultClient | undefined;
let currentName = 'ksef-wallet-vault:test-default';

/** puppeteer passes JSON: bytes travel as `{__bytes: [...]}` and become a Uint8Array here. */
function reviveBytes(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(reviveBytes);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (Array.isArray(o.__bytes)) return new Uint8Array(o.__bytes as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, reviveBytes(v)]));
  }
  return x;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let generation = 0;
function connect(name: string): VaultClient {
  currentName = name;
  client?.close();
  // A document cannot restart a shared worker it saw close (Chromium): a new name per connection
  // after a lock stands in for the reload the PWA does; the database stays the same.
  generation += 1;
  client = connectVault({
    name: generation === 1 ? name : `${name}~${generation}`,
    timeoutMs: 30_000,
    onLocked: (reason) => events.push({ type: 'locked-hook', reason }),
    onEvent: (e) => events.push(e),
  });
  return client;
}

/**
 * What the PWA does on `locked` is reload the page, which connects to a new (locked) key worker.
 * The suite keeps calling the same object instead, so this stands in for the reload: after a lock,
 * the next call first connects again.
 */
function open(name: string): Vault {
  connect(name);
  return new Proxy({} as Vault, {
    get(_t, method: string) {
      // Not a thenable: `await restart()` must resolve to this object, not call into it.
      if (method === 'then') return undefined;
      return async (arg?: unknown) => {
        if (!client || client.locked) {
          await sleep(150);
          connect(name);
        }
        return (client as unknown as Record<string, (a?: unknown) => Promise<unknown>>)[method]!(arg);
      };
    },
  });
}

async function restartOf(name: string): Promise<Vault> {
  // The worker closes itself when an unlocked vault locks; a locked one holds no keys anyway.
  if (client && !client.locked) await client.lock('user');
  client?.close();
  await sleep(150);
  return open(name);
}

function dbNameOf(name: string): string {
  return name;
}

const api = {
  cases: () => VAULT_CASES.map((c) => c.name),
  async runCase(caseName: string, id: string): Promise<Outcome> {
    const c = VAULT_CASES.find((x) => x.name === caseName);
    if (!c) return { ok: false, error: 'no such case', ms: 0 };
    const name = `ksef-wallet-vault:test-${id}`;
    const t0 = performance.now();
    const h: VaultHarness = {
      vault: open(name),
      restart: () => restartOf(name),
      raw: rawStore(indexedDB, dbNameOf(name)),
      subtle: crypto.subtle,
    };
    try {
      await c.run(h);
      return { ok: true, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, error: String((e as Error)?.stack ?? e), ms: performance.now() - t0 };
    } finally {
      if (client && !client.locked) await client.lock('user');
    }
  },
  open: (name: string) => {
    connect(name);
    return true;
  },
  /** One vault call from the test, through the facade (`{__bytes: number[]}` stands for bytes). */
  async call(method: keyof Vault, arg?: unknown): Promise<unknown> {
    if (!client || client.locked) connect(currentName);
    const fn = (client as unknown as Record<string, (a?: unknown) => Promise<unknown>>)[method];
    return fn!(reviveBytes(arg));
  },
  /** Starts a call without waiting for it (the test then kills the page mid-step). */
  fire(method: keyof Vault, arg?: unknown): boolean {
    void api.call(method, arg).catch(() => undefined);
    return true;
  },
  events: () => events.slice(),
  /** A certificate "issued by KSeF" for an enrolled public key (a throwaway CA signs it). */
  issue: async (spki: number[]) => Array.from(await issueFor(crypto.subtle, new Uint8Array(spki))),
  /** Writes a database exactly as schema version 1 did (for the migration test). */
  async writeVersion1(name: string, encoded: unknown): Promise<number> {
    const tables = decodeRows(encoded) as Record<string, Record<string, unknown>[]>;
    const db = openVersion1Database({ name });
    await db.open();
    let n = 0;
    await db.transaction('rw', db.tables, async () => {
      for (const [table, rows] of Object.entries(tables)) {
        await db.table(table).bulkPut(rows);
        n += rows.length;
      }
    });
    const version = db.verno;
    db.close();
    return n * 100 + version;
  },
  raw: (name: string) => rawStore(indexedDB, name),
  /** Instruments the main thread's Web Crypto: every key-handling call here is recorded (T1). */
  instrumentSubtle(): void {
    const calls: string[] = [];
    (window as unknown as { __subtleCalls: string[] }).__subtleCalls = calls;
    for (const m of [
      'exportKey',
      'wrapKey',
      'unwrapKey',
      'deriveKey',
      'deriveBits',
      'importKey',
      'generateKey',
      'decrypt',
    ] as const) {
      const original = crypto.subtle[m].bind(crypto.subtle) as (...a: unknown[]) => Promise<unknown>;
      (crypto.subtle as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        calls.push(m);
        return original(...args);
      };
    }
  },
};

declare global {
  interface Window {
    vaultPage: typeof api;
  }
}
window.vaultPage = api;
