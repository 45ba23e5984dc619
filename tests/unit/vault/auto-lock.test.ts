/**
 * Auto-lock (SECURITY.md §4) with an injected clock and timers: idle 15 minutes by default,
 * 5–240 allowed, 12 hours at most, OS screen lock at once — and a call after the deadline finds
 * the vault locked even when the timer never fired (a sleeping laptop delays timers).
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { VaultEvent } from '../../../pwa/vault/vault-api.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import { FAST_KDF, NIP, PASSPHRASE, REF, tokenSecret } from '../../browser/vault/vault-suite.ts';

const MIN = 60_000;

function fakeTime(fire = true) {
  let now = Date.UTC(2026, 10, 25, 8, 0, 0);
  let timers: { fn: () => void; at: number; id: number }[] = [];
  let nextId = 1;
  return {
    clock: { now: () => now },
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const id = nextId++;
        timers.push({ fn, at: now + ms, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        timers = timers.filter((t) => t.id !== id);
      },
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = fire ? timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0] : undefined;
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.fn();
        await new Promise((r) => setTimeout(r, 20));
      }
      now = until;
    },
  };
}

async function unlockedVault(fire = true) {
  const time = fakeTime(fire);
  const vault = new VaultService({
    platform: {
      subtle: globalThis.crypto.subtle,
      random: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
      clock: time.clock,
      timers: time.timers,
    },
    database: { indexedDB: new IDBFactory(), IDBKeyRange },
  });
  const events: VaultEvent[] = [];
  vault.onEvent((e) => events.push(e));
  expect((await vault.create({ passphrase: PASSPHRASE, kdf: FAST_KDF })).ok).toBe(true);
  return { vault, time, events };
}

describe('auto-lock', () => {
  it('locks after 15 idle minutes by default; user activity restarts the count', async () => {
    const { vault, time, events } = await unlockedVault();
    try {
      await time.advance(14 * MIN);
      expect((await vault.status()).state).toBe('unlocked');
      await vault.touch();
      await time.advance(14 * MIN);
      expect((await vault.status()).state).toBe('unlocked');
      await time.advance(1 * MIN + 1);
      expect((await vault.status()).state).toBe('locked');
      expect(events.at(-1)).toEqual({ type: 'locked', reason: 'idle' });
    } finally {
      vault.close();
    }
  });

  it('locks 12 hours after unlocking however active the user is', async () => {
    const { vault, time, events } = await unlockedVault();
    try {
      expect((await vault.setIdleMinutes(240)).ok).toBe(true);
      for (let h = 0; h < 11; h++) {
        await time.advance(60 * MIN);
        await vault.touch();
      }
      expect((await vault.status()).state).toBe('unlocked');
      await time.advance(60 * MIN);
      expect((await vault.status()).state).toBe('locked');
      expect(events.at(-1)).toEqual({ type: 'locked', reason: 'max-age' });
    } finally {
      vault.close();
    }
  });

  it('a call after the deadline finds the vault locked even if the timer never fired', async () => {
    const { vault, time } = await unlockedVault(false);
    try {
      const company = await vault.addCompany({ name: 'Firma', nip: NIP, environment: 'TEST' });
      expect(company.ok).toBe(true);
      await time.advance(16 * MIN);
      const r = await vault.addCompany({ name: 'Druga', nip: '1111111111', environment: 'TEST' });
      expect(!r.ok && r.error.reason).toBe('VAULT_LOCKED');
      expect((await vault.status()).state).toBe('locked');
    } finally {
      vault.close();
    }
  });

  it('refuses an idle time outside 5–240 minutes (there is no "never")', async () => {
    const { vault } = await unlockedVault();
    try {
      for (const bad of [0, 4, 241, Number.POSITIVE_INFINITY]) {
        const r = await vault.setIdleMinutes(bad);
        expect(!r.ok && r.error.reason).toBe('AUTO_LOCK_OUT_OF_RANGE');
      }
      const ok = await vault.setIdleMinutes(5);
      expect(ok.ok && ok.value.idleMinutes).toBe(5);
    } finally {
      vault.close();
    }
  });

  it('OS screen lock locks at once, drops the in-memory access tokens and announces it', async () => {
    const { vault, events } = await unlockedVault();
    try {
      const c = await vault.addCompany({ name: 'Firma', nip: NIP, environment: 'TEST' });
      if (!c.ok) throw new Error('company');
      const begun = await vault.beginTokenGeneration({
        companyId: c.value.id,
        description: 'T',
        permissions: ['InvoiceRead'],
      });
      if (!begun.ok) throw new Error('begin');
      await vault.recordTokenGenerated({
        pendingId: begun.value.pendingId,
        referenceNumber: REF(1),
        secret: tokenSecret(REF(1)),
      });
      vault.accessTokens.set('s1', 'eyJ.access.token', Date.now() + 15 * MIN);
      expect(vault.accessTokens.size).toBe(1);
      const s = await vault.lock('os-locked');
      expect(s.state).toBe('locked');
      expect(vault.accessTokens.size).toBe(0);
      expect(events.at(-1)).toEqual({ type: 'locked', reason: 'os-locked' });
      expect((await vault.flows.tokenSecret('x')).ok).toBe(false);
    } finally {
      vault.close();
    }
  });
});
