/**
 * The activity log (SECURITY.md T12): who did what and when — logins, token generation and
 * revocation, enrollments, approvals, exports. Entries are clear (readable while locked, for the
 * offline view) and append-only, chained with HMAC-SHA-256 under a key derived from the data key:
 *
 *   mac_n = HMAC(logKey, mac_{n-1} ‖ UTF-8 JSON [seq, id, at, kind, actor, companyId, detail])
 *   mac_0 = 32 zero bytes
 *
 * The head — the last sequence number and mac — is sealed in `meta` (FORMAT.md §4, table "meta").
 * So an entry edited on disk (its mac no longer verifies), one deleted from the middle (a gap in
 * seq), one removed from the end (the head names a later one) or one inserted (no valid mac) is
 * reported as "tampered", with the first bad sequence number. Verification needs the key, so it
 * runs while unlocked.
 */
import { openText, type RecordBinding, sealText } from '../../shared/crypto/sealed-field.ts';
import { ok } from '../../shared/result.ts';
import { asVaultError, type VaultResult } from './errors.ts';
import type { ActivityDetail, ActivityKind, ActivityRow, LogHead } from './records.ts';
import type { ActivityCheck } from './vault-api.ts';
import { newUuid, type Unlocked, type VaultContext } from './vault-context.ts';

export type PendingEntry = {
  readonly kind: ActivityKind;
  readonly companyId?: string;
  readonly actor?: string;
  readonly detail?: ActivityDetail;
};

const ZERO_MAC = new Uint8Array(32);
const headBinding = (vaultId: string): RecordBinding => ({
  vaultId,
  table: 'meta',
  recordId: vaultId,
  field: 'log-head',
  companyId: '-',
  environment: '-',
});

export function canonicalEntry(e: Omit<ActivityRow, 'mac'>): Uint8Array {
  const detail = Object.keys(e.detail)
    .sort()
    .map((k) => [k, e.detail[k]]);
  return new TextEncoder().encode(
    JSON.stringify([e.seq, e.id, e.at, e.kind, e.actor, e.companyId ?? '', detail]),
  );
}

async function macOf(subtle: SubtleCrypto, key: CryptoKey, prev: Uint8Array, e: Omit<ActivityRow, 'mac'>) {
  const body = canonicalEntry(e);
  const input = new Uint8Array(prev.length + body.length);
  input.set(prev, 0);
  input.set(body, prev.length);
  return new Uint8Array(await subtle.sign('HMAC', key, input));
}

type Head = NonNullable<Unlocked['head']>;

/** The decrypted head: cached while unlocked, read (and checked) from `meta` otherwise. */
export async function loadHead(ctx: VaultContext, u: Unlocked): Promise<VaultResult<Head>> {
  if (u.head) return ok(u.head);
  const stored = (await ctx.db.meta.get('log-head'))?.value as LogHead | undefined;
  if (!stored) return ok({ seq: 0, mac: ZERO_MAC, stored: undefined });
  const text = await openText(
    ctx.platform.subtle,
    u.keys.recordKey,
    headBinding(u.keys.vaultId),
    stored.sealed,
  );
  if (!text.ok) return { ok: false, error: asVaultError(text.error) };
  const parsed = JSON.parse(text.value) as { seq: number; mac: string };
  const mac = Uint8Array.from(parsed.mac.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  return ok({ seq: parsed.seq, mac, stored });
}

/** Computes the entries (seq, mac) and the sealed new head; writing them is `commit`'s job. */
export async function appendEntries(
  ctx: VaultContext,
  u: Unlocked,
  pending: readonly PendingEntry[],
): Promise<VaultResult<{ entries: ActivityRow[]; head: Head; basedOn: LogHead | undefined }>> {
  const current = await loadHead(ctx, u);
  if (!current.ok) return current;
  if (pending.length === 0) return ok({ entries: [], head: current.value, basedOn: current.value.stored });
  const entries: ActivityRow[] = [];
  let prev = current.value.mac;
  let seq = current.value.seq;
  const at = ctx.platform.clock.now();
  for (const p of pending) {
    seq += 1;
    const base = {
      id: newUuid(ctx.platform),
      seq,
      at,
      kind: p.kind,
      actor: p.actor ?? 'user',
      ...(p.companyId ? { companyId: p.companyId } : {}),
      detail: p.detail ?? {},
    };
    prev = await macOf(ctx.platform.subtle, u.keys.logMacKey, prev, base);
    entries.push({ ...base, mac: prev });
  }
  const hex = Array.from(prev, (b) => b.toString(16).padStart(2, '0')).join('');
  const sealed = await sealText(
    ctx.platform.subtle,
    u.keys.recordKey,
    headBinding(u.keys.vaultId),
    JSON.stringify({ seq, mac: hex }),
    ctx.platform.random,
  );
  if (!sealed.ok) return { ok: false, error: asVaultError(sealed.error) };
  const stored: LogHead = { seq, sealed: sealed.value };
  return ok({ entries, head: { seq, mac: prev, stored }, basedOn: current.value.stored });
}

/** Walks the chain from the first entry; any edit, gap, insertion or truncation is reported. */
export async function verifyLog(ctx: VaultContext, u: Unlocked): Promise<VaultResult<ActivityCheck>> {
  u.head = undefined;
  const head = await loadHead(ctx, u);
  if (!head.ok) return ok({ state: 'tampered', entries: 0, firstBadSeq: 0 });
  const rows = await ctx.db.activity.orderBy('seq').toArray();
  let prev = ZERO_MAC;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.seq !== i + 1) return ok({ state: 'tampered', entries: rows.length, firstBadSeq: i + 1 });
    const { mac, ...rest } = row;
    const expected = await macOf(ctx.platform.subtle, u.keys.logMacKey, prev, rest);
    if (
      !(mac instanceof Uint8Array) ||
      !expected.every((b, k) => b === mac[k]) ||
      mac.length !== expected.length
    ) {
      return ok({ state: 'tampered', entries: rows.length, firstBadSeq: row.seq });
    }
    prev = expected;
  }
  const endsAtHead = rows.length === head.value.seq && prev.every((b, k) => b === head.value.mac[k]);
  if (!endsAtHead) return ok({ state: 'tampered', entries: rows.length, firstBadSeq: rows.length + 1 });
  return ok({ state: 'intact', entries: rows.length });
}
