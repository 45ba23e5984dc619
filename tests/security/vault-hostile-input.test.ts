/**
 * The vault against what an attacker holding a copy of the profile or a backup can do
 * (SECURITY.md T4, T6, T12), over fake-indexeddb with the real VaultService and crypto.subtle:
 *
 *  - corrupted, truncated, foreign, newer and re-crafted backups (header digest recomputed, as an
 *    attacker would) → refused with a precise reason, before any write;
 *  - a backup or a keyring declaring 4 GiB of Argon2id memory → refused in < 100 ms (a DoS bound
 *    of SECURITY.md §4, hence asserted); lowered parameters → refused;
 *  - ≥ 200 wrong passphrases for the vault and for a backup → WRONG_PASSPHRASE (or BAD_REQUEST for
 *    an empty one), still locked;
 *  - a credential moved to another environment (a PRD token's company edited to a custom loopback
 *    sandbox) → its secrets no longer open (T6: the environment is in the associated data);
 *  - activity rows edited, deleted, inserted, reordered → "tampered" (T12).
 *
 * "Lost" means the dump of every object store differs from the one taken before the case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VaultError } from '../../pwa/vault/errors.ts';
import { ARGON2ID, RECOMMENDED_KDF } from '../../shared/crypto/kdf.ts';
import { tally } from './ledger.ts';
import { seeded } from './support/prng.ts';
import { findLeaks } from './support/secrets.ts';
import {
  BACKUP_PASSPHRASE,
  FAST_KDF,
  filledVault,
  openSecurityVault,
  PASSPHRASE,
  type SecurityVault,
} from './support/vault.ts';

const subtle = globalThis.crypto.subtle;

let h: SecurityVault;
let filled: Awaited<ReturnType<typeof filledVault>>;
let backup: Uint8Array;

beforeAll(async () => {
  h = openSecurityVault();
  filled = await filledVault(h.vault);
  const exported = await h.vault.exportBackup({
    passphrase: PASSPHRASE,
    backupPassphrase: BACKUP_PASSPHRASE,
    kdf: FAST_KDF,
  });
  if (!exported.ok) throw new Error(JSON.stringify(exported.error));
  backup = exported.value.file;
});
afterAll(() => h.close());

/** The header digest an attacker recomputes after editing bytes 0–71 (it is no MAC). */
async function withFreshDigest(file: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(file);
  out.set(new Uint8Array(await subtle.digest('SHA-256', out.slice(0, 72))), 72);
  return out;
}
function setU32(file: Uint8Array, offset: number, value: number): Uint8Array {
  const out = new Uint8Array(file);
  new DataView(out.buffer).setUint32(offset, value >>> 0);
  return out;
}

const BACKUP_REASONS = [
  'BACKUP_CORRUPTED',
  'BACKUP_TRUNCATED',
  'BACKUP_FOREIGN',
  'BACKUP_NEWER_VERSION',
  'BACKUP_UNSUPPORTED',
  'BACKUP_TOO_LARGE',
  'BACKUP_BAD_CONTENT',
  'KDF_PARAMS_REFUSED',
  'WRONG_PASSPHRASE',
];

describe('hostile backup files (T4, T12)', () => {
  /** One generated hostile file and what it imitates. */
  async function hostileBackup(
    rand: ReturnType<typeof seeded>,
  ): Promise<{ label: string; file: Uint8Array }> {
    const f = backup;
    const flip = (at: number) => {
      const out = new Uint8Array(f);
      out[at] = (out[at] ?? 0) ^ (1 << rand.int(0, 7));
      return out;
    };
    switch (rand.int(0, 13)) {
      case 0:
        return { label: 'bit flip in the magic or version', file: flip(rand.int(0, 8)) };
      case 1:
        return { label: 'bit flip in the KDF fields', file: flip(rand.int(9, 23)) };
      case 2:
        return { label: 'bit flip in salt, key check or nonce', file: flip(rand.int(24, 67)) };
      case 3:
        return { label: 'bit flip in the length or digest', file: flip(rand.int(68, 103)) };
      case 4:
        return { label: 'bit flip in the ciphertext or tag', file: flip(rand.int(104, f.length - 1)) };
      case 5:
        return { label: 'truncated', file: f.slice(0, rand.int(0, f.length - 1)) };
      case 6:
        return {
          label: 'extra bytes after the data',
          file: Uint8Array.from([...f, ...rand.bytes(rand.int(1, 64))]),
        };
      case 7:
        return {
          label: 'foreign file',
          file: rand.pick([
            new Uint8Array(0),
            rand.bytes(rand.int(1, 4096)),
            new TextEncoder().encode(JSON.stringify({ companies: [], tokens: [] })),
            Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...rand.bytes(200)]),
            new TextEncoder().encode('KSEFWBA'),
          ]),
        };
      case 8: {
        const out = new Uint8Array(f);
        out[8] = rand.int(2, 255);
        return { label: 'newer format version', file: out };
      }
      case 9: {
        // Re-crafted: parameters out of bounds (4 GiB, 0, huge t/p) with a valid header digest.
        const field = rand.pick([12, 16, 20]);
        const value =
          field === 12
            ? rand.pick([4 * 1024 * 1024, 0, 1, 8 * 1024, ARGON2ID.MIN_MEMORY_KIB - 1, 2 ** 32 - 1])
            : field === 16
              ? rand.pick([0, 1, ARGON2ID.MAX_ITERATIONS + 1, 1_000_000, 2 ** 32 - 1])
              : rand.pick([0, ARGON2ID.MAX_PARALLELISM + 1, 255, 2 ** 32 - 1]);
        return {
          label: 'KDF parameters out of bounds (digest recomputed)',
          file: await withFreshDigest(setU32(f, field, value)),
        };
      }
      case 10: {
        const out = new Uint8Array(f);
        out[rand.pick([9, 10, 11])] = rand.int(2, 255);
        return {
          label: 'unknown KDF id, version or reserved byte (digest recomputed)',
          file: await withFreshDigest(out),
        };
      }
      case 11:
        return {
          label: 'ciphertext length field lies (digest recomputed)',
          file: await withFreshDigest(
            setU32(f, 68, rand.pick([0, 15, f.length - 104 - 1, f.length - 104 + 1, 2 ** 32 - 1])),
          ),
        };
      case 12: {
        // Salt, key check or nonce replaced and the digest recomputed: only the passphrase check
        // or the GCM tag can notice now.
        const out = new Uint8Array(f);
        out.set(rand.bytes(16), rand.pick([24, 40]));
        return { label: 'salt or key check replaced (digest recomputed)', file: await withFreshDigest(out) };
      }
      default: {
        const out = new Uint8Array(f);
        out.set(rand.bytes(12), 56);
        return { label: 'nonce replaced (digest recomputed)', file: await withFreshDigest(out) };
      }
    }
  }

  it('refuses 220 generated hostile backups with a precise reason, and the vault stays byte-identical', async () => {
    const rand = seeded(9106);
    const t = tally('T4', 'corrupted, truncated, foreign and re-crafted backups');
    const before = await h.dump();
    const reasons = new Map<string, number>();
    const labels = new Set<string>();
    for (let i = 0; i < 220; i++) {
      const { label, file } = await hostileBackup(rand);
      labels.add(label);
      // Every third case also goes through the preview (the import screen's first step).
      const attempts = [
        ...(i % 3 === 0 ? [await h.vault.previewBackup({ file, backupPassphrase: BACKUP_PASSPHRASE })] : []),
        await h.vault.importBackup({ file, backupPassphrase: BACKUP_PASSPHRASE }),
      ];
      const after = await h.dump();
      const accepted = attempts.some((a) => a.ok);
      const errors = attempts.flatMap((a) => (a.ok ? [] : [a.error as VaultError]));
      for (const e of errors) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
      const leaks = findLeaks(JSON.stringify(errors), filled.secrets);
      t.add({
        leaked: accepted || leaks.length > 0,
        lost: after !== before,
        note: `#${i} ${label}: ${accepted ? 'accepted' : errors.map((e) => e.reason).join('/')} ${leaks.join(',')}`,
      });
      for (const e of errors) expect(BACKUP_REASONS, `#${i} ${label}`).toContain(e.reason);
    }
    const r = t.record();
    expect(r.notes).toEqual([]);
    expect(labels.size).toBe(14);
    // The refusals are precise, not one catch-all.
    expect(reasons.size).toBeGreaterThanOrEqual(6);
  });

  it('refuses a backup declaring 4 GiB of Argon2id memory in under 100 ms (20 files)', async () => {
    const t = tally('T4', '4 GiB Argon2id memory declared (backup), refused in < 100 ms');
    const before = await h.dump();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const file = await withFreshDigest(setU32(backup, 12, 4 * 1024 * 1024 + i));
      const t0 = performance.now();
      const r = await h.vault.importBackup({ file, backupPassphrase: BACKUP_PASSPHRASE });
      const ms = performance.now() - t0;
      times.push(ms);
      t.add({ leaked: r.ok, lost: (await h.dump()) !== before, note: `#${i} ${ms.toFixed(1)} ms` });
      expect(r).toMatchObject({ ok: false, error: { reason: 'KDF_PARAMS_REFUSED' } });
      // SECURITY.md T4: "a backup declaring 4 GiB → refused in < 100 ms" — a DoS bound, not a benchmark.
      expect(ms).toBeLessThan(100);
    }
    const r = t.record();
    expect(r.notes).toEqual([]);
    console.log(`4 GiB backup refused in ${Math.max(...times).toFixed(1)} ms at most (20 files)`);
  });

  it('refuses a backup whose Argon2id parameters were lowered, below the floor or within it', async () => {
    // A backup made at the recommended 64 MiB / t 3 / p 4, as a user's would be.
    const strong = await h.vault.exportBackup({
      passphrase: PASSPHRASE,
      backupPassphrase: BACKUP_PASSPHRASE,
      kdf: RECOMMENDED_KDF,
    });
    if (!strong.ok) throw new Error(JSON.stringify(strong.error));
    const t = tally('T4', 'lowered Argon2id parameters in a backup header');
    const before = await h.dump();
    const lowered: [string, number, number][] = [
      ['m 8 MiB (below the floor)', 12, 8 * 1024],
      ['m 1 MiB (below the floor)', 12, 1024],
      ['t 1 (below the floor)', 16, 1],
      ['m 32 MiB', 12, 32 * 1024],
      ['m 19 MiB', 12, 19 * 1024],
      ['t 2', 16, 2],
      ['p 1', 20, 1],
    ];
    for (const [label, field, value] of lowered) {
      const file = await withFreshDigest(setU32(strong.value.file, field, value));
      const r = await h.vault.previewBackup({ file, backupPassphrase: BACKUP_PASSPHRASE });
      t.add({ leaked: r.ok, lost: (await h.dump()) !== before, note: label });
      expect(r.ok, label).toBe(false);
      if (!r.ok) expect(['KDF_PARAMS_REFUSED', 'WRONG_PASSPHRASE']).toContain((r.error as VaultError).reason);
    }
    // Positive control: the untouched file opens with the right passphrase.
    expect(
      (await h.vault.previewBackup({ file: strong.value.file, backupPassphrase: BACKUP_PASSPHRASE })).ok,
    ).toBe(true);
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

describe('a keyring edited on disk (T4)', () => {
  it('refuses to unlock with 4 GiB declared in under 100 ms, and with lowered parameters at all', async () => {
    const t = tally('T4', 'keyring with 4 GiB or lowered Argon2id parameters');
    const v = openSecurityVault();
    try {
      const created = await v.vault.create({ passphrase: PASSPHRASE, kdf: RECOMMENDED_KDF });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      await v.vault.lock('user');
      const original = (await v.raw.get('meta', 'keyring'))!;
      const kdf = original.value as { kdf: Record<string, number> };
      const edits: [string, Record<string, number>, boolean][] = [
        ['m 4 GiB', { memoryKiB: 4 * 1024 * 1024 }, true],
        ['m 2 GiB', { memoryKiB: 2 * 1024 * 1024 }, true],
        ['t 1000', { iterations: 1000 }, true],
        ['p 255', { parallelism: 255 }, true],
        ['m 8 MiB', { memoryKiB: 8 * 1024 }, true],
        ['t 1', { iterations: 1 }, true],
        ['m 19 MiB', { memoryKiB: 19 * 1024 }, false],
        ['m 32 MiB, t 2', { memoryKiB: 32 * 1024, iterations: 2 }, false],
        ['p 1', { parallelism: 1 }, false],
      ];
      for (const [label, patch, fast] of edits) {
        await v.raw.put('meta', { key: 'keyring', value: { ...kdf, kdf: { ...kdf.kdf, ...patch } } });
        const before = await v.dump();
        const t0 = performance.now();
        const r = await v.vault.unlock(PASSPHRASE);
        const ms = performance.now() - t0;
        t.add({ leaked: r.ok, lost: (await v.dump()) !== before, note: `${label}: ${JSON.stringify(r)}` });
        expect(r.ok, label).toBe(false);
        if (fast) {
          expect(r).toMatchObject({ ok: false, error: { reason: 'KDF_PARAMS_REFUSED' } });
          expect(ms, label).toBeLessThan(100);
        }
        expect((await v.vault.status()).state).toBe('locked');
      }
      await v.raw.put('meta', original);
      expect((await v.vault.unlock(PASSPHRASE)).ok).toBe(true); // positive control
      t.control();
      expect(t.record().notes).toEqual([]);
    } finally {
      v.close();
    }
  });
});

describe('wrong passphrases (T4)', () => {
  /** Near misses of `right` (one edit, case, spacing, diacritics) and far misses. */
  function variant(rand: ReturnType<typeof seeded>, right: string): string {
    const at = rand.int(0, right.length - 1);
    switch (rand.int(0, 11)) {
      case 0:
        return right.slice(0, at) + right.slice(at + 1);
      case 1:
        return right.slice(0, at) + right[at] + right.slice(at);
      case 2:
        return (
          right.slice(0, at) + rand.string(1, 'abcdefghijklmnopqrstuvwxyząćęłńóśźż ') + right.slice(at + 1)
        );
      case 3:
        return right.slice(0, at) + right.charAt(at).toUpperCase() + right.slice(at + 1);
      case 4:
        return right.toUpperCase();
      case 5:
        return rand.pick([
          ` ${right}`,
          `${right} `,
          `${right}\n`,
          right.replace(' ', '  '),
          right.replace(' ', '\t'),
        ]);
      case 6:
        return right.normalize('NFD').replace(/\p{M}/gu, ''); // diacritics dropped: żaba → zaba
      case 7:
        return right.slice(0, rand.int(1, right.length - 1));
      case 8:
        return right + rand.string(rand.int(1, 5));
      case 9:
        return rand.string(rand.int(1, 80), 'abcdefghijklmnopqrstuvwxyz ąęółżźćń0123456789!@#$%^&*()');
      case 10:
        return rand.pick([OTHER, right.split(' ').reverse().join(' '), right.replaceAll(' ', '')]);
      default:
        return rand.pick([
          'x'.repeat(rand.int(1000, 5000)),
          '\u0000',
          right.replace('ż', 'ź'),
          '🔑'.repeat(20),
        ]);
    }
  }
  const OTHER = 'wiosenny deszcz pada na dach stodoły';
  const same = (a: string, b: string) => a.normalize('NFC') === b.normalize('NFC');

  it('refuses 200 wrong passphrases for the vault and a backup, locked and byte-identical throughout', async () => {
    const rand = seeded(1_000_000_007);
    const t = tally('T4', 'wrong passphrases (vault unlock, backup import)');
    await h.vault.lock('user');
    const before = await h.dump();
    let tried = 0;
    for (let i = 0; tried < 200; i++) {
      const target = i % 2 === 0 ? 'vault' : 'backup';
      const right = target === 'vault' ? PASSPHRASE : BACKUP_PASSPHRASE;
      const wrong = variant(rand, right);
      if (same(wrong, right)) continue; // NFC-equal is the same passphrase by design (kdf.ts)
      tried += 1;
      const r =
        target === 'vault'
          ? await h.vault.unlock(wrong)
          : await h.vault.previewBackup({ file: backup, backupPassphrase: wrong });
      const status = await h.vault.status();
      // A write cannot undo itself: a dump every 10 cases (and at the end) sees any change.
      const after = tried % 10 === 0 || tried === 200 ? await h.dump() : before;
      const leaks = r.ok
        ? []
        : findLeaks(JSON.stringify(r.error), [right, wrong.length >= 8 ? wrong : right, ...filled.secrets]);
      t.add({
        leaked: r.ok || status.state !== 'locked' || leaks.length > 0,
        lost: after !== before,
        note: `#${i} ${target} ${JSON.stringify(wrong.slice(0, 60))}: ${JSON.stringify(r).slice(0, 200)}`,
      });
      expect(r.ok, `#${i} ${target} ${JSON.stringify(wrong.slice(0, 60))}`).toBe(false);
      if (!r.ok) expect(['WRONG_PASSPHRASE', 'BAD_REQUEST']).toContain((r.error as VaultError).reason);
    }
    // Positive controls: the NFD spelling of the right passphrase is the right passphrase, and the
    // right ones work (the refusals above were not a broken vault).
    expect((await h.vault.unlock(PASSPHRASE.normalize('NFD'))).ok).toBe(true);
    await h.vault.lock('user');
    expect((await h.vault.previewBackup({ file: backup, backupPassphrase: BACKUP_PASSPHRASE })).ok).toBe(
      true,
    );
    t.control();
    t.control();
    expect(t.record().notes).toEqual([]);
    expect((await h.vault.unlock(PASSPHRASE)).ok).toBe(true);
  });

  it('refuses non-string and empty passphrases without running the KDF', async () => {
    const t = tally('T4', 'wrong passphrases (vault unlock, backup import)');
    await h.vault.lock('user');
    const before = await h.dump();
    for (const p of ['', null, undefined, 0, {}, [], ['zielona'], { toString: () => PASSPHRASE }]) {
      const r = await h.vault.unlock(p as never);
      t.add({ leaked: r.ok, lost: (await h.dump()) !== before, note: JSON.stringify(p) });
      expect(r).toMatchObject({ ok: false, error: { reason: 'BAD_REQUEST' } });
    }
    expect(t.record().notes).toEqual([]);
    expect((await h.vault.unlock(PASSPHRASE)).ok).toBe(true);
  });
});

describe('a credential moved to another environment (T6)', () => {
  it("does not open a PRD company's secrets once its clear environment says custom:… (and none for any other move)", async () => {
    const t = tally('T6', 'credential environment edited on disk (associated data)');
    const envs = ['TEST', 'DEMO', 'PRD', 'custom:sandbox', 'custom:evil'] as const;
    for (const from of ['PRD', 'DEMO', 'TEST'] as const) {
      const v = openSecurityVault();
      try {
        const f = await filledVault(v.vault, { environment: from });
        // Positive control: before the edit, every secret opens.
        expect((await v.vault.flows.tokenSecret(f.token.id)).ok).toBe(true);
        expect((await v.vault.flows.refreshToken(f.session.id)).ok).toBe(true);
        expect((await v.vault.flows.enrollmentCsr(f.enrollment.pendingId)).ok).toBe(true);
        t.control();
        const company = (await v.raw.get('companies', f.company.id))!;
        for (const to of envs.filter((e) => e !== from)) {
          await v.raw.put('companies', { ...company, environment: to });
          const opened = [
            await v.vault.flows.tokenSecret(f.token.id),
            await v.vault.flows.refreshToken(f.session.id),
            await v.vault.flows.enrollmentCsr(f.enrollment.pendingId),
            await v.vault.checkApproval({ origin: 'https://erp.example', companyId: f.company.id }),
          ];
          for (const [k, r] of opened.entries()) {
            const leaked = r.ok && (k < 3 || (r.value as { approved: boolean }).approved);
            t.add({ leaked, note: `${from} → ${to}: ${['token', 'refresh', 'csr', 'approval'][k]} opened` });
          }
        }
        await v.raw.put('companies', company);
        expect((await v.vault.flows.tokenSecret(f.token.id)).ok).toBe(true);
      } finally {
        v.close();
      }
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('the activity log (T12)', () => {
  it('reports 200 generated edits of its rows as tampered, and intact again once restored', async () => {
    const rand = seeded(12);
    const t = tally('T12', 'activity log rows edited, deleted, inserted, reordered');
    if ((await h.vault.status()).state !== 'unlocked') await h.vault.unlock(PASSPHRASE);
    const rows = await h.raw.all('activity');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(await h.vault.verifyActivity()).toMatchObject({ ok: true, value: { state: 'intact' } });
    const bySeq = [...rows].sort((a, b) => (a.seq as number) - (b.seq as number));
    for (let i = 0; i < 200; i++) {
      const row = rand.pick(bySeq);
      const edits: (() => Promise<string>)[] = [
        async () => {
          await h.raw.put('activity', { ...row, at: (row.at as number) + rand.int(1, 10_000_000) });
          return 'time changed';
        },
        async () => {
          await h.raw.put('activity', {
            ...row,
            kind: rand.pick(['vault-created', 'token-revealed', 'approval-granted', 'backup-exported']),
          });
          return 'kind changed';
        },
        async () => {
          await h.raw.put('activity', {
            ...row,
            actor: rand.pick(['https://evil.example', 'user', ''].filter((a) => a !== row.actor)),
          });
          return 'actor changed';
        },
        async () => {
          await h.raw.put('activity', {
            ...row,
            detail: { ...(row.detail as object), note: rand.string(8) },
          });
          return 'detail changed';
        },
        async () => {
          await h.raw.delete('activity', row.id as string);
          return 'row deleted';
        },
        async () => {
          const last = bySeq[bySeq.length - 1]!;
          await h.raw.delete('activity', last.id as string);
          return 'last row deleted (truncation)';
        },
        async () => {
          await h.raw.put('activity', { ...row, id: crypto.randomUUID(), seq: bySeq.length + 1 });
          return 'row replayed at the end';
        },
        async () => {
          // Renumbering after a deletion hides the gap; the chain still breaks.
          await h.raw.delete('activity', row.id as string);
          for (const later of bySeq.filter((r) => (r.seq as number) > (row.seq as number))) {
            await h.raw.delete('activity', later.id as string);
            await h.raw.put('activity', { ...later, seq: (later.seq as number) - 1 });
          }
          return 'row deleted and the rest renumbered';
        },
        async () => {
          const other = rand.pick(bySeq.filter((r) => r !== row));
          // seq is a unique index: take both out, put them back with each other's number.
          await h.raw.delete('activity', row.id as string);
          await h.raw.delete('activity', other.id as string);
          await h.raw.put('activity', { ...row, seq: other.seq });
          await h.raw.put('activity', { ...other, seq: row.seq });
          return 'two rows swapped';
        },
        async () => {
          const mac = new Uint8Array(row.mac as Uint8Array);
          const at = rand.int(0, mac.length - 1);
          mac[at] = (mac[at] ?? 0) ^ 1;
          await h.raw.put('activity', { ...row, mac });
          return 'MAC changed';
        },
      ];
      const label = await rand.pick(edits)();
      const check = await h.vault.verifyActivity();
      const detected = check.ok && check.value.state === 'tampered';
      t.add({ leaked: !detected, note: `#${i} ${label}: ${JSON.stringify(check)}` });
      // Restore exactly what was there.
      for (const r of await h.raw.all('activity')) await h.raw.delete('activity', r.id as string);
      for (const r of rows) await h.raw.put('activity', r);
    }
    expect(await h.vault.verifyActivity()).toMatchObject({ ok: true, value: { state: 'intact' } });
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});
