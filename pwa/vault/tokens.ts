/**
 * KSeF tokens and their write-ahead (SECURITY.md T12, ARCHITECTURE.md "Nothing lost"). KSeF shows a
 * token's secret once, so the order is:
 *   1. beginTokenGeneration — an intent row with a nonce that goes into the token's description;
 *   2. the flow calls POST /tokens with that description;
 *   3. recordTokenGenerated — in ONE transaction: the token row with its sealed secret, the pending
 *      row advanced to "generated", the log entry; only then may the UI show anything;
 *   4. the flow polls the token until Active, then completeTokenActivation closes the pending row.
 * A crash after 1 leaves an intent (the flow looks for the nonce at KSeF and revokes the orphan);
 * after 3 the secret is safe and polling resumes.
 */
import { openText, sealText } from '../../shared/crypto/sealed-field.ts';
import { ok } from '../../shared/result.ts';
import { findCompany } from './companies.ts';
import { asVaultError, type VaultResult, vaultError, vfail } from './errors.ts';
import { intentSuffix, isReferenceNumber, isTokenSecret, TOKEN_DESCRIPTION_LENGTH } from './ksef-values.ts';
import {
  type PendingRow,
  TOKEN_PERMISSIONS,
  TOKEN_STATUSES,
  type TokenPermission,
  type TokenRow,
  type TokenStatus,
} from './records.ts';
import type { BeginTokenInput, BegunToken, TokenGeneratedInput, TokenView } from './vault-api.ts';
import { AbortWrite, commit, newNonce, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';
import { bindingOf, tokenView } from './views.ts';

export async function listTokens(ctx: VaultContext, companyId?: string): Promise<TokenView[]> {
  const rows = companyId
    ? await ctx.db.tokens.where('companyId').equals(companyId).toArray()
    : await ctx.db.tokens.toArray();
  return rows.sort((a, b) => b.createdAt - a.createdAt).map(tokenView);
}

async function findToken(ctx: VaultContext, tokenId: unknown): Promise<VaultResult<TokenRow>> {
  if (typeof tokenId !== 'string') return vfail('BAD_REQUEST', 'tokenId');
  const t = await ctx.db.tokens.get(tokenId);
  return t ? ok(t) : vfail('NOT_FOUND', 'token');
}

async function findPending(
  ctx: VaultContext,
  pendingId: unknown,
  kind: PendingRow['kind'],
): Promise<VaultResult<PendingRow>> {
  if (typeof pendingId !== 'string') return vfail('BAD_REQUEST', 'pendingId');
  const p = await ctx.db.pending.get(pendingId);
  return p && p.kind === kind ? ok(p) : vfail('NOT_FOUND', 'pending');
}

const validPermissions = (p: unknown): p is TokenPermission[] =>
  Array.isArray(p) &&
  p.length > 0 &&
  p.length <= TOKEN_PERMISSIONS.length &&
  new Set(p).size === p.length &&
  p.every((x) => (TOKEN_PERMISSIONS as readonly string[]).includes(x));

export async function beginTokenGeneration(
  ctx: VaultContext,
  u: Unlocked,
  input: BeginTokenInput,
): Promise<VaultResult<BegunToken>> {
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  if (!validPermissions(input.permissions)) return vfail('BAD_REQUEST', 'permissions');
  const nonce = newNonce(ctx.platform);
  const text = typeof input.description === 'string' ? input.description.trim().replace(/\s+/g, ' ') : '';
  const description = `${text}${intentSuffix(nonce)}`;
  if (text.length === 0 || description.length > TOKEN_DESCRIPTION_LENGTH.MAX)
    return vfail('BAD_REQUEST', 'description');
  const now = ctx.platform.clock.now();
  const row: PendingRow = {
    id: newUuid(ctx.platform),
    kind: 'token',
    stage: 'intent',
    companyId: company.value.id,
    nonce,
    description,
    permissions: [...input.permissions],
    createdAt: now,
    updatedAt: now,
  };
  const written = await commit(ctx, u, {
    tables: ['pending'],
    log: [
      {
        kind: 'token-requested',
        companyId: row.companyId,
        detail: { nonce, permissions: row.permissions!.join(',') },
      },
    ],
    write: async () => {
      await ctx.db.pending.add(row);
    },
  });
  if (!written.ok) return written;
  return ok({ pendingId: row.id, nonce, description });
}

export async function recordTokenGenerated(
  ctx: VaultContext,
  u: Unlocked,
  input: TokenGeneratedInput,
): Promise<VaultResult<TokenView>> {
  const pending = await findPending(ctx, input.pendingId, 'token');
  if (!pending.ok) return pending;
  if (!isReferenceNumber(input.referenceNumber)) return vfail('BAD_REQUEST', 'referenceNumber');
  if (!isTokenSecret(input.secret)) return vfail('BAD_REQUEST', 'secret');
  const p = pending.value;
  if (p.stage === 'generated' && p.tokenId && p.referenceNumber === input.referenceNumber) {
    // The same response recorded twice (a retried call): it is already safe.
    const t = await ctx.db.tokens.get(p.tokenId);
    if (t) return ok(tokenView(t));
  }
  if (p.stage !== 'intent') return vfail('WRONG_STAGE', p.stage);
  const company = await findCompany(ctx, p.companyId);
  if (!company.ok) return company;
  const tokenId = newUuid(ctx.platform);
  const sealed = await sealText(
    ctx.platform.subtle,
    u.keys.recordKey,
    bindingOf(u.keys.vaultId, 'tokens', tokenId, 'secret', company.value),
    input.secret,
    ctx.platform.random,
  );
  if (!sealed.ok) return { ok: false, error: asVaultError(sealed.error) };
  const now = ctx.platform.clock.now();
  const token: TokenRow = {
    id: tokenId,
    companyId: p.companyId,
    referenceNumber: input.referenceNumber,
    description: p.description ?? '',
    permissions: p.permissions ?? [],
    status: 'Pending',
    secret: sealed.value,
    isDefault: 0,
    createdAt: now,
    updatedAt: now,
  };
  return commit(ctx, u, {
    tables: ['tokens', 'pending'],
    log: [
      {
        kind: 'token-generated',
        companyId: p.companyId,
        detail: { referenceNumber: input.referenceNumber, nonce: p.nonce },
      },
    ],
    write: async () => {
      const current = await ctx.db.pending.get(p.id);
      if (current?.stage !== 'intent')
        throw new AbortWrite(vaultError('WRONG_STAGE', current?.stage ?? 'closed'));
      await ctx.db.tokens.add(token);
      await ctx.db.pending.put({
        ...current,
        stage: 'generated',
        tokenId,
        referenceNumber: input.referenceNumber,
        updatedAt: now,
      });
      return tokenView(token);
    },
  });
}

export async function completeTokenActivation(
  ctx: VaultContext,
  u: Unlocked,
  input: { pendingId: string; status: TokenStatus },
): Promise<VaultResult<TokenView>> {
  const pending = await findPending(ctx, input.pendingId, 'token');
  if (!pending.ok) return pending;
  if (!(TOKEN_STATUSES as readonly string[]).includes(input.status) || input.status === 'Pending') {
    return vfail('BAD_REQUEST', 'status');
  }
  const p = pending.value;
  if (p.stage !== 'generated' || !p.tokenId) return vfail('WRONG_STAGE', p.stage);
  const tokenId = p.tokenId;
  const now = ctx.platform.clock.now();
  return commit(ctx, u, {
    tables: ['tokens', 'pending'],
    log: [
      {
        kind: input.status === 'Active' ? 'token-activated' : 'token-failed',
        companyId: p.companyId,
        detail: { referenceNumber: p.referenceNumber ?? '', status: input.status },
      },
    ],
    write: async () => {
      const t = await ctx.db.tokens.get(tokenId);
      if (!t) throw new AbortWrite(vaultError('NOT_FOUND', 'token'));
      const updated: TokenRow = { ...t, status: input.status, updatedAt: now };
      await ctx.db.tokens.put(updated);
      await ctx.db.pending.delete(p.id);
      return tokenView(updated);
    },
  });
}

/** Closes an intent that never produced a token (KSeF refused it, or the orphan was revoked). */
export async function abandonTokenGeneration(
  ctx: VaultContext,
  u: Unlocked,
  input: { pendingId: string },
): Promise<VaultResult<{ removed: number }>> {
  const pending = await findPending(ctx, input.pendingId, 'token');
  if (!pending.ok) return pending;
  if (pending.value.stage !== 'intent') return vfail('WRONG_STAGE', pending.value.stage);
  return commit(ctx, u, {
    tables: ['pending'],
    log: [
      { kind: 'token-abandoned', companyId: pending.value.companyId, detail: { nonce: pending.value.nonce } },
    ],
    write: async () => {
      await ctx.db.pending.delete(pending.value.id);
      return { removed: 1 };
    },
  });
}

export async function updateTokenStatus(
  ctx: VaultContext,
  u: Unlocked,
  input: { tokenId: string; status: TokenStatus },
): Promise<VaultResult<TokenView>> {
  const token = await findToken(ctx, input.tokenId);
  if (!token.ok) return token;
  if (!(TOKEN_STATUSES as readonly string[]).includes(input.status)) return vfail('BAD_REQUEST', 'status');
  const updated: TokenRow = {
    ...token.value,
    status: input.status,
    // A token that can no longer log in cannot stay the default.
    isDefault: input.status === 'Active' ? token.value.isDefault : 0,
    updatedAt: ctx.platform.clock.now(),
  };
  return commit(ctx, u, {
    tables: ['tokens'],
    log: [
      {
        kind: 'token-status',
        companyId: updated.companyId,
        detail: { referenceNumber: updated.referenceNumber, status: updated.status },
      },
    ],
    write: async () => {
      await ctx.db.tokens.put(updated);
      return tokenView(updated);
    },
  });
}

export async function setDefaultToken(
  ctx: VaultContext,
  u: Unlocked,
  input: { tokenId: string },
): Promise<VaultResult<TokenView>> {
  const token = await findToken(ctx, input.tokenId);
  if (!token.ok) return token;
  if (token.value.status !== 'Active') return vfail('WRONG_STAGE', token.value.status);
  const now = ctx.platform.clock.now();
  return commit(ctx, u, {
    tables: ['tokens'],
    log: [
      {
        kind: 'default-changed',
        companyId: token.value.companyId,
        detail: { token: token.value.referenceNumber },
      },
    ],
    write: async () => {
      await ctx.db.tokens
        .where('companyId')
        .equals(token.value.companyId)
        .modify((t: TokenRow & { isDefault: 0 | 1 }) => {
          t.isDefault = t.id === token.value.id ? 1 : 0;
        });
      const updated = { ...token.value, isDefault: 1 as const, updatedAt: now };
      await ctx.db.tokens.put(updated);
      return tokenView(updated);
    },
  });
}

/** The secret itself, for the flows inside the key worker (never exposed over the RPC as such). */
export async function openTokenSecret(
  ctx: VaultContext,
  u: Unlocked,
  tokenId: string,
): Promise<VaultResult<string>> {
  const token = await findToken(ctx, tokenId);
  if (!token.ok) return token;
  const company = await findCompany(ctx, token.value.companyId);
  if (!company.ok) return company;
  const r = await openText(
    ctx.platform.subtle,
    u.keys.recordKey,
    bindingOf(u.keys.vaultId, 'tokens', token.value.id, 'secret', company.value),
    token.value.secret,
  );
  return r.ok ? r : { ok: false, error: asVaultError(r.error) };
}

/** Reveal (after the passphrase was re-entered): logged, since a shown secret may be copied. */
export async function revealTokenSecret(
  ctx: VaultContext,
  u: Unlocked,
  tokenId: string,
): Promise<VaultResult<string>> {
  const secret = await openTokenSecret(ctx, u, tokenId);
  if (!secret.ok) return secret;
  const token = await ctx.db.tokens.get(tokenId);
  const logged = await commit(ctx, u, {
    tables: [],
    log: [
      {
        kind: 'token-revealed',
        ...(token ? { companyId: token.companyId } : {}),
        detail: { token: token?.referenceNumber ?? '' },
      },
    ],
    write: async () => undefined,
  });
  return logged.ok ? secret : logged;
}

export async function removeToken(
  ctx: VaultContext,
  u: Unlocked,
  input: { tokenId: string },
): Promise<VaultResult<{ removed: number }>> {
  const token = await findToken(ctx, input.tokenId);
  if (!token.ok) return token;
  return commit(ctx, u, {
    tables: ['tokens', 'pending'],
    log: [
      {
        kind: 'token-removed',
        companyId: token.value.companyId,
        detail: { referenceNumber: token.value.referenceNumber },
      },
    ],
    write: async () => {
      await ctx.db.pending
        .where('companyId')
        .equals(token.value.companyId)
        .filter((p) => p.tokenId === token.value.id)
        .delete();
      await ctx.db.tokens.delete(token.value.id);
      return { removed: 1 };
    },
  });
}
