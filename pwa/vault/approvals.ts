/**
 * Origin approvals: "this exact ERP origin may get sessions for this company" (ARCHITECTURE.md
 * "The ERP gets a session"). Clear metadata is unauthenticated (SECURITY.md §3.5), so each row
 * carries an HMAC under the approvals key; an approval edited on disk — another origin, refresh
 * switched on — does not verify and counts as no approval. Granting and confirming an imported
 * approval need the passphrase re-entered (§4), and imported approvals wait for confirmation one by
 * one (§3.7).
 */
import { ok } from '../../shared/result.ts';
import { findCompany } from './companies.ts';
import { type VaultResult, vaultError, vfail } from './errors.ts';
import { isExactOrigin } from './ksef-values.ts';
import type { ApprovalRow } from './records.ts';
import type { ApprovalView } from './vault-api.ts';
import { AbortWrite, commit, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';
import { approvalView } from './views.ts';

type MacFields = Pick<
  ApprovalRow,
  'id' | 'origin' | 'companyId' | 'environment' | 'allowRefresh' | 'state' | 'grantedAt' | 'erpAddresses'
>;

/**
 * What the MAC covers. The ERP addresses (hand-off IP policy) are appended only when there are
 * some, so approvals written before they existed still verify; an address added on disk does not.
 */
function macBody(a: MacFields): Uint8Array<ArrayBuffer> {
  const fields: unknown[] = [
    'approval',
    1,
    a.id,
    a.origin,
    a.companyId,
    a.environment,
    a.allowRefresh,
    a.state,
    a.grantedAt,
  ];
  if (a.erpAddresses !== undefined && a.erpAddresses.length > 0)
    fields.push(['erpAddresses', [...a.erpAddresses]]);
  return new TextEncoder().encode(JSON.stringify(fields));
}

export async function approvalMac(subtle: SubtleCrypto, key: CryptoKey, a: MacFields): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign('HMAC', key, macBody(a)));
}

async function macValid(subtle: SubtleCrypto, key: CryptoKey, a: ApprovalRow): Promise<boolean> {
  if (!(a.mac instanceof Uint8Array)) return false;
  if (a.erpAddresses !== undefined && !validAddresses(a.erpAddresses)) return false;
  return subtle.verify('HMAC', key, new Uint8Array(a.mac), macBody(a));
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** KSeF takes 10 addresses per policy; one is the browser's own (the challenge's clientIp). */
const MAX_ERP_ADDRESSES = 9;
const validAddresses = (x: unknown): x is readonly string[] =>
  Array.isArray(x) &&
  x.length <= MAX_ERP_ADDRESSES &&
  x.every((ip) => typeof ip === 'string' && IPV4.test(ip)) &&
  new Set(x).size === x.length;

export async function listApprovals(ctx: VaultContext): Promise<ApprovalView[]> {
  return (await ctx.db.approvals.toArray())
    .sort((a, b) => a.origin.localeCompare(b.origin))
    .map(approvalView);
}

export async function grantApproval(
  ctx: VaultContext,
  u: Unlocked,
  input: { origin: string; companyId: string; allowRefresh: boolean; erpAddresses?: readonly string[] },
): Promise<VaultResult<ApprovalView>> {
  if (!isExactOrigin(input.origin)) return vfail('BAD_REQUEST', 'origin');
  if (typeof input.allowRefresh !== 'boolean') return vfail('BAD_REQUEST', 'allowRefresh');
  if (input.erpAddresses !== undefined && !validAddresses(input.erpAddresses))
    return vfail('BAD_REQUEST', 'erpAddresses');
  const erpAddresses = input.erpAddresses?.length ? [...input.erpAddresses] : undefined;
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  const now = ctx.platform.clock.now();
  const existing = await ctx.db.approvals
    .where({ origin: input.origin, companyId: company.value.id })
    .first();
  const fields: MacFields = {
    id: existing?.id ?? newUuid(ctx.platform),
    origin: input.origin,
    companyId: company.value.id,
    environment: company.value.environment,
    allowRefresh: input.allowRefresh,
    state: 'active',
    grantedAt: now,
    ...(erpAddresses ? { erpAddresses } : {}),
  };
  const row: ApprovalRow = {
    ...fields,
    updatedAt: now,
    mac: await approvalMac(ctx.platform.subtle, u.keys.approvalMacKey, fields),
  };
  return commit(ctx, u, {
    tables: ['approvals'],
    log: [
      {
        kind: 'approval-granted',
        companyId: row.companyId,
        actor: 'user',
        detail: {
          origin: row.origin,
          allowRefresh: row.allowRefresh,
          ...(erpAddresses ? { erpAddresses: erpAddresses.join(',') } : {}),
        },
      },
    ],
    write: async () => {
      await ctx.db.approvals.put(row);
      return approvalView(row);
    },
  });
}

export async function confirmApproval(
  ctx: VaultContext,
  u: Unlocked,
  approvalId: string,
): Promise<VaultResult<ApprovalView>> {
  if (typeof approvalId !== 'string') return vfail('BAD_REQUEST', 'approvalId');
  const a = await ctx.db.approvals.get(approvalId);
  if (!a) return vfail('NOT_FOUND', 'approval');
  if (!(await macValid(ctx.platform.subtle, u.keys.approvalMacKey, a))) return vfail('TAMPERED', 'approval');
  const now = ctx.platform.clock.now();
  const fields: MacFields = { ...a, state: 'active', grantedAt: now };
  const row: ApprovalRow = {
    ...a,
    ...fields,
    updatedAt: now,
    mac: await approvalMac(ctx.platform.subtle, u.keys.approvalMacKey, fields),
  };
  return commit(ctx, u, {
    tables: ['approvals'],
    log: [{ kind: 'approval-confirmed', companyId: a.companyId, detail: { origin: a.origin } }],
    write: async () => {
      await ctx.db.approvals.put(row);
      return approvalView(row);
    },
  });
}

export async function revokeApproval(
  ctx: VaultContext,
  u: Unlocked,
  approvalId: string,
): Promise<VaultResult<{ removed: number }>> {
  if (typeof approvalId !== 'string') return vfail('BAD_REQUEST', 'approvalId');
  const a = await ctx.db.approvals.get(approvalId);
  if (!a) return vfail('NOT_FOUND', 'approval');
  return commit(ctx, u, {
    tables: ['approvals'],
    log: [{ kind: 'approval-revoked', companyId: a.companyId, detail: { origin: a.origin } }],
    write: async () => {
      if (!(await ctx.db.approvals.get(a.id))) throw new AbortWrite(vaultError('NOT_FOUND', 'approval'));
      await ctx.db.approvals.delete(a.id);
      return { removed: 1 };
    },
  });
}

export async function checkApproval(
  ctx: VaultContext,
  u: Unlocked,
  input: { origin: string; companyId: string },
): Promise<VaultResult<{ approved: boolean; allowRefresh: boolean; erpAddresses?: readonly string[] }>> {
  if (!isExactOrigin(input.origin)) return ok({ approved: false, allowRefresh: false });
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return ok({ approved: false, allowRefresh: false });
  const a = await ctx.db.approvals.where({ origin: input.origin, companyId: company.value.id }).first();
  if (a?.state !== 'active' || a.environment !== company.value.environment)
    return ok({ approved: false, allowRefresh: false });
  if (!(await macValid(ctx.platform.subtle, u.keys.approvalMacKey, a))) return vfail('TAMPERED', 'approval');
  return ok({
    approved: true,
    allowRefresh: a.allowRefresh,
    ...(a.erpAddresses?.length ? { erpAddresses: [...a.erpAddresses] } : {}),
  });
}
