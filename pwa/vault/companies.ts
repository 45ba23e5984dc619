/**
 * Companies: name, NIP (checksum-validated) and KSeF environment, in clear. A NIP appears once per
 * environment. Removing a company removes its credentials, sessions, approvals and pending work
 * in the same transaction (no orphaned secret stays behind).
 */
import { parseCompanyInput, parseCompanyName } from '../../shared/domain/company.ts';
import { ok } from '../../shared/result.ts';
import { asVaultError, type VaultResult, vfail } from './errors.ts';
import type { CompanyRow } from './records.ts';
import type { AddCompanyInput, CompanyView } from './vault-api.ts';
import { AbortWrite, commit, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';

export async function listCompanies(ctx: VaultContext): Promise<CompanyView[]> {
  const rows = await ctx.db.companies.toArray();
  return rows.sort(
    (a, b) => a.name.localeCompare(b.name, 'pl') || a.environment.localeCompare(b.environment),
  );
}

export async function findCompany(ctx: VaultContext, companyId: unknown): Promise<VaultResult<CompanyRow>> {
  if (typeof companyId !== 'string') return vfail('BAD_REQUEST', 'companyId');
  const c = await ctx.db.companies.get(companyId);
  return c ? ok(c) : vfail('NOT_FOUND', 'company');
}

export async function addCompany(
  ctx: VaultContext,
  u: Unlocked,
  input: AddCompanyInput,
): Promise<VaultResult<CompanyView>> {
  const parsed = parseCompanyInput(input);
  if (!parsed.ok) return { ok: false, error: asVaultError(parsed.error) };
  const now = ctx.platform.clock.now();
  const row: CompanyRow = { id: newUuid(ctx.platform), ...parsed.value, createdAt: now, updatedAt: now };
  return commit(ctx, u, {
    tables: ['companies'],
    log: [
      { kind: 'company-added', companyId: row.id, detail: { nip: row.nip, environment: row.environment } },
    ],
    write: async () => {
      const same = await ctx.db.companies.where({ nip: row.nip, environment: row.environment }).count();
      if (same > 0)
        throw new AbortWrite({ code: 'INVALID_INPUT', reason: 'DUPLICATE', detail: 'NIP already added' });
      await ctx.db.companies.add(row);
      return row;
    },
  });
}

export async function renameCompany(
  ctx: VaultContext,
  u: Unlocked,
  input: { companyId: string; name: string },
): Promise<VaultResult<CompanyView>> {
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  const name = parseCompanyName(input.name);
  if (!name.ok) return { ok: false, error: asVaultError(name.error) };
  const row = { ...company.value, name: name.value, updatedAt: ctx.platform.clock.now() };
  return commit(ctx, u, {
    tables: ['companies'],
    log: [{ kind: 'company-renamed', companyId: row.id }],
    write: async () => {
      await ctx.db.companies.put(row);
      return row;
    },
  });
}

export async function removeCompany(
  ctx: VaultContext,
  u: Unlocked,
  input: { companyId: string },
): Promise<VaultResult<{ removed: number }>> {
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  const id = company.value.id;
  return commit(ctx, u, {
    tables: ['companies', 'certificates', 'tokens', 'sessions', 'approvals', 'pending'],
    log: [{ kind: 'company-removed', companyId: id, detail: { nip: company.value.nip } }],
    write: async () => {
      let removed = 0;
      for (const t of [
        ctx.db.certificates,
        ctx.db.tokens,
        ctx.db.sessions,
        ctx.db.approvals,
        ctx.db.pending,
      ]) {
        removed += await t.where('companyId').equals(id).delete();
      }
      await ctx.db.companies.delete(id);
      return { removed: removed + 1 };
    },
  });
}
