/**
 * Creating, unlocking, changing the passphrase of and re-keying the vault (ARCHITECTURE.md
 * "Keys"). A wrong passphrase changes nothing; a passphrase change rewraps only the data key (one
 * small atomic write); a re-key makes a new data key and re-encrypts every sealed field, rewraps
 * every signing key and re-chains the activity log, all in one transaction.
 */
import type { KdfParams } from '../../shared/crypto/kdf.ts';
import { openField, recordAad, sealField } from '../../shared/crypto/sealed-field.ts';
import { rewrapSigningKey } from '../../shared/crypto/signing-key-rewrap.ts';
import {
  checkKeyring,
  createKeyring,
  rewrapKeyring,
  unlockKeyring,
  type VaultKeyring,
} from '../../shared/crypto/vault-keyring.ts';
import { LOCK_POLICY, parseIdleMinutes } from '../../shared/domain/lock-policy.ts';
import { checkPassphraseFloor } from '../../shared/domain/passphrase-strength.ts';
import { ok } from '../../shared/result.ts';
import { appendEntries, canonicalEntry, verifyLog } from './activity-log.ts';
import { approvalMac } from './approvals.ts';
import { asVaultError, type VaultResult, vfail } from './errors.ts';
import type {
  ActivityRow,
  ApprovalRow,
  CertificateRow,
  CompanyRow,
  MetaRow,
  PendingRow,
  SessionRow,
  TokenRow,
  VaultSettings,
} from './records.ts';
import { VAULT_TABLES } from './schema.ts';
import { AbortWrite, commit, newUuid, sameBytes, type Unlocked, type VaultContext } from './vault-context.ts';
import { bindingOf } from './views.ts';

export async function readKeyring(ctx: VaultContext): Promise<VaultKeyring | undefined> {
  const row = (await ctx.db.meta.get('keyring')) as Extract<MetaRow, { key: 'keyring' }> | undefined;
  return row?.value;
}

export async function readSettings(ctx: VaultContext): Promise<VaultSettings> {
  const row = (await ctx.db.meta.get('settings')) as Extract<MetaRow, { key: 'settings' }> | undefined;
  const idle = parseIdleMinutes(row?.value.idleMinutes);
  return { idleMinutes: idle.ok ? idle.value : LOCK_POLICY.DEFAULT_IDLE_MINUTES };
}

/** Words an attacker would try first against this vault's passphrase. */
async function userInputs(ctx: VaultContext): Promise<string[]> {
  const companies = await ctx.db.companies.toArray();
  return companies.flatMap((c) => [c.name, c.nip]);
}

export async function createVault(
  ctx: VaultContext,
  input: { passphrase: string; idleMinutes?: number; kdf?: KdfParams },
): Promise<VaultResult<Unlocked>> {
  if (await readKeyring(ctx)) return vfail('VAULT_EXISTS');
  // Sealed records without their keyring: the key row was deleted or lost. A new keyring would
  // silently orphan them; the user must restore the profile or a backup instead.
  const sealed =
    (await ctx.db.tokens.count()) + (await ctx.db.certificates.count()) + (await ctx.db.sessions.count());
  if (sealed > 0) return vfail('TAMPERED', 'sealed records without a keyring');
  const strong = await checkPassphraseFloor(input.passphrase, await userInputs(ctx));
  if (!strong.ok) return { ok: false, error: asVaultError(strong.error) };
  const idle = parseIdleMinutes(input.idleMinutes ?? LOCK_POLICY.DEFAULT_IDLE_MINUTES);
  if (!idle.ok) return { ok: false, error: asVaultError(idle.error) };
  const created = await createKeyring(ctx.platform, input.passphrase, newUuid(ctx.platform), input.kdf);
  if (!created.ok) return { ok: false, error: asVaultError(created.error) };
  const now = ctx.platform.clock.now();
  const u: Unlocked = { keys: created.value.keys, unlockedAt: now, lastActivity: now };
  const { keyring } = created.value;
  const written = await commit(ctx, u, {
    tables: ['meta'],
    log: [
      {
        kind: 'vault-created',
        detail: { memoryKiB: keyring.kdf.memoryKiB, iterations: keyring.kdf.iterations },
      },
    ],
    write: async () => {
      // Two tabs creating at once: the second finds the first's keyring and stops here.
      if (await ctx.db.meta.get('keyring'))
        throw new AbortWrite({ code: 'INVALID_INPUT', reason: 'VAULT_EXISTS' });
      await ctx.db.meta.put({ key: 'keyring', value: keyring });
      await ctx.db.meta.put({ key: 'settings', value: { idleMinutes: idle.value } });
    },
  });
  if (!written.ok) return written;
  return ok(u);
}

export async function unlockVault(ctx: VaultContext, passphrase: string): Promise<VaultResult<Unlocked>> {
  const keyring = await readKeyring(ctx);
  if (!keyring) return vfail('VAULT_ABSENT');
  if (typeof passphrase !== 'string' || passphrase.length === 0) return vfail('BAD_REQUEST', 'passphrase');
  const keys = await unlockKeyring(ctx.platform.subtle, keyring, passphrase);
  if (!keys.ok) return { ok: false, error: asVaultError(keys.error) };
  const now = ctx.platform.clock.now();
  return ok({ keys: keys.value, unlockedAt: now, lastActivity: now });
}

/** Checks a re-entered passphrase against the stored keyring (export, reveal, approvals). */
export async function confirmPassphrase(ctx: VaultContext, passphrase: unknown): Promise<VaultResult<true>> {
  const keyring = await readKeyring(ctx);
  if (!keyring) return vfail('VAULT_ABSENT');
  if (typeof passphrase !== 'string' || passphrase.length === 0) return vfail('BAD_REQUEST', 'passphrase');
  const keys = await unlockKeyring(ctx.platform.subtle, keyring, passphrase);
  return keys.ok ? ok(true) : { ok: false, error: asVaultError(keys.error) };
}

export async function changePassphrase(
  ctx: VaultContext,
  u: Unlocked,
  input: { current: string; next: string },
): Promise<VaultResult<VaultKeyring>> {
  const keyring = await readKeyring(ctx);
  if (!keyring) return vfail('VAULT_ABSENT');
  const strong = await checkPassphraseFloor(input.next, await userInputs(ctx));
  if (!strong.ok) return { ok: false, error: asVaultError(strong.error) };
  const next = await rewrapKeyring(ctx.platform, keyring, input.current, input.next);
  if (!next.ok) return { ok: false, error: asVaultError(next.error) };
  const written = await commit(ctx, u, {
    tables: ['meta'],
    log: [
      {
        kind: 'passphrase-changed',
        detail: { memoryKiB: next.value.kdf.memoryKiB, iterations: next.value.kdf.iterations },
      },
    ],
    write: async () => {
      const stored = (await ctx.db.meta.get('keyring'))?.value as VaultKeyring | undefined;
      if (!stored || !sameBytes(stored.wrappedRoot, keyring.wrappedRoot)) {
        throw new AbortWrite({
          code: 'INVALID_INPUT',
          reason: 'CONFLICT',
          detail: 'the passphrase changed meanwhile',
        });
      }
      await ctx.db.meta.put({ key: 'keyring', value: next.value });
    },
  });
  return written.ok ? ok(next.value) : written;
}

export async function setIdleMinutes(ctx: VaultContext, minutes: unknown): Promise<VaultResult<number>> {
  const idle = parseIdleMinutes(minutes);
  if (!idle.ok) return { ok: false, error: asVaultError(idle.error) };
  await ctx.db.meta.put({ key: 'settings', value: { idleMinutes: idle.value } });
  return ok(idle.value);
}

type Resealed<T> = { row: T; ok: true } | { ok: false; error: ReturnType<typeof asVaultError> };

/**
 * Re-key (after a suspected leak): a new data key, then every sealed field opened with the old
 * record key and sealed with the new one, every signing key rewrapped inside Web Crypto, every
 * approval re-MACed, the activity chain recomputed — and one transaction that writes it all with
 * the new keyring. If anything cannot be opened, nothing is written.
 */
export async function rekeyVault(
  ctx: VaultContext,
  u: Unlocked,
  passphrase: string,
): Promise<VaultResult<Unlocked>> {
  const keyring = await readKeyring(ctx);
  if (!keyring) return vfail('VAULT_ABSENT');
  const checked = checkKeyring(keyring);
  if (!checked.ok) return { ok: false, error: asVaultError(checked.error) };
  const confirmed = await unlockKeyring(ctx.platform.subtle, keyring, passphrase);
  if (!confirmed.ok) return { ok: false, error: asVaultError(confirmed.error) };
  const logState = await verifyLog(ctx, u);
  if (!logState.ok) return logState;
  const created = await createKeyring(ctx.platform, passphrase, keyring.vaultId, keyring.kdf);
  if (!created.ok) return { ok: false, error: asVaultError(created.error) };
  const oldKeys = u.keys;
  const newKeys = created.value.keys;
  const { subtle, random } = ctx.platform;
  const vaultId = keyring.vaultId;

  const companies = new Map((await ctx.db.companies.toArray()).map((c) => [c.id, c] as const));
  const companyOf = (id: string): CompanyRow | undefined => companies.get(id);

  const reseal = async (
    table: 'tokens' | 'sessions' | 'pending',
    id: string,
    field: string,
    company: CompanyRow,
    sealed: Uint8Array,
  ): Promise<Resealed<Uint8Array>> => {
    const b = bindingOf(vaultId, table, id, field, company);
    const plain = await openField(subtle, oldKeys.recordKey, b, sealed);
    if (!plain.ok) return { ok: false, error: asVaultError(plain.error) };
    const again = await sealField(subtle, newKeys.recordKey, b, plain.value, random);
    plain.value.fill(0);
    if (!again.ok) return { ok: false, error: asVaultError(again.error) };
    return { ok: true, row: again.value };
  };

  const tokens: TokenRow[] = [];
  for (const t of await ctx.db.tokens.toArray()) {
    const c = companyOf(t.companyId);
    if (!c) continue;
    const r = await reseal('tokens', t.id, 'secret', c, t.secret);
    if (!r.ok) return r;
    tokens.push({ ...t, secret: r.row });
  }
  const sessions: SessionRow[] = [];
  for (const s of await ctx.db.sessions.toArray()) {
    const c = companyOf(s.companyId);
    if (!c || !s.refreshToken) continue;
    const r = await reseal('sessions', s.id, 'refresh-token', c, s.refreshToken);
    if (!r.ok) return r;
    sessions.push({ ...s, refreshToken: r.row });
  }
  const pending: PendingRow[] = [];
  for (const p of await ctx.db.pending.toArray()) {
    const c = companyOf(p.companyId);
    if (!c || !p.csr) continue;
    const r = await reseal('pending', p.id, 'csr', c, p.csr);
    if (!r.ok) return r;
    pending.push({ ...p, csr: r.row });
  }
  const certificates: CertificateRow[] = [];
  for (const cert of await ctx.db.certificates.toArray()) {
    const c = companyOf(cert.companyId);
    if (!c || !cert.wrappedKey) continue;
    const aad = recordAad(bindingOf(vaultId, 'certificates', cert.id, 'private-key', c));
    if (!aad.ok) return { ok: false, error: asVaultError(aad.error) };
    const moved = await rewrapSigningKey(
      subtle,
      cert.wrappedKey,
      { key: oldKeys.recordKey, aad: aad.value },
      { key: newKeys.recordKey, aad: aad.value },
      random,
    );
    if (!moved.ok) return { ok: false, error: asVaultError(moved.error) };
    certificates.push({ ...cert, wrappedKey: moved.value });
  }
  const approvals: ApprovalRow[] = [];
  for (const a of await ctx.db.approvals.toArray()) {
    approvals.push({ ...a, mac: await approvalMac(subtle, newKeys.approvalMacKey, a) });
  }
  // The chain is recomputed under the new log key; whether it verified before is recorded in it.
  const oldLog = await ctx.db.activity.orderBy('seq').toArray();
  const relinked: ActivityRow[] = [];
  let prev: Uint8Array = new Uint8Array(32);
  for (const row of oldLog) {
    const { mac: _old, ...rest } = row;
    const body = canonicalEntry(rest);
    const input = new Uint8Array(prev.length + body.length);
    input.set(prev);
    input.set(body, prev.length);
    prev = new Uint8Array(await subtle.sign('HMAC', newKeys.logMacKey, input));
    relinked.push({ ...row, mac: prev });
  }
  const next: Unlocked = {
    keys: newKeys,
    unlockedAt: u.unlockedAt,
    lastActivity: u.lastActivity,
    head: { seq: oldLog.length, mac: prev, stored: undefined },
  };
  const appended = await appendEntries(ctx, next, [
    {
      kind: 'vault-rekeyed',
      detail: {
        tokens: tokens.length,
        certificates: certificates.length,
        sessions: sessions.length,
        logWasIntact: logState.value.state === 'intact',
      },
    },
  ]);
  if (!appended.ok) return appended;
  const { entries, head } = appended.value;
  try {
    await ctx.db.transaction('rw', [...VAULT_TABLES], async () => {
      const stored = (await ctx.db.meta.get('keyring'))?.value as VaultKeyring | undefined;
      if (!stored || !sameBytes(stored.wrappedRoot, keyring.wrappedRoot)) throw new Error('keyring changed');
      if ((await ctx.db.activity.count()) !== oldLog.length) throw new Error('log changed');
      await ctx.db.tokens.bulkPut(tokens);
      await ctx.db.sessions.bulkPut(sessions);
      await ctx.db.pending.bulkPut(pending);
      await ctx.db.certificates.bulkPut(certificates);
      await ctx.db.approvals.bulkPut(approvals);
      await ctx.db.activity.bulkPut([...relinked, ...entries]);
      await ctx.db.meta.put({ key: 'log-head', value: head.stored! });
      await ctx.db.meta.put({ key: 'keyring', value: created.value.keyring });
    });
  } catch (e) {
    return vfail('STORAGE_FAILED', (e as Error)?.message ?? 'rekey');
  }
  next.head = head;
  return ok(next);
}
