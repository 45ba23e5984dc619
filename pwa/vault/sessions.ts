/**
 * KSeF sessions: clear metadata (who, when, valid until) plus the sealed refresh token. Access
 * tokens are never written anywhere: they live in `AccessTokenMemory`, inside the key worker, and
 * are gone when it locks or closes (REFERENCE.md §3.5: ~15 minutes, not revocable, so never stored).
 */
import { openText, sealText } from '../../shared/crypto/sealed-field.ts';
import { findCompany } from './companies.ts';
import { asVaultError, type VaultResult, vaultError, vfail } from './errors.ts';
import { isExactOrigin, isIsoDateTime, isReferenceNumber } from './ksef-values.ts';
import { SESSION_METHODS, type SessionRow, type SessionState } from './records.ts';
import type { RecordSessionInput, SessionView } from './vault-api.ts';
import { AbortWrite, commit, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';
import { bindingOf, sessionView } from './views.ts';

/** KSeF's JWTs are ~1–2 KB; anything far larger is not one. */
const MAX_TOKEN_CHARS = 8192;

export async function listSessions(ctx: VaultContext, companyId?: string): Promise<SessionView[]> {
  const rows = companyId
    ? await ctx.db.sessions.where('companyId').equals(companyId).toArray()
    : await ctx.db.sessions.toArray();
  return rows.sort((a, b) => b.startedAt - a.startedAt).map(sessionView);
}

export async function recordSession(
  ctx: VaultContext,
  u: Unlocked,
  input: RecordSessionInput,
): Promise<VaultResult<SessionView>> {
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  if (!isReferenceNumber(input.referenceNumber)) return vfail('BAD_REQUEST', 'referenceNumber');
  if (!(SESSION_METHODS as readonly string[]).includes(input.method)) return vfail('BAD_REQUEST', 'method');
  for (const k of ['accessValidUntil', 'refreshValidUntil'] as const) {
    if (input[k] !== undefined && !isIsoDateTime(input[k])) return vfail('BAD_REQUEST', k);
  }
  if (input.handedTo !== undefined && !isExactOrigin(input.handedTo)) return vfail('BAD_REQUEST', 'handedTo');
  if (input.credentialId !== undefined && typeof input.credentialId !== 'string')
    return vfail('BAD_REQUEST', 'credentialId');
  const id = newUuid(ctx.platform);
  let refreshToken: Uint8Array | undefined;
  if (input.refreshToken !== undefined) {
    if (
      typeof input.refreshToken !== 'string' ||
      input.refreshToken.length === 0 ||
      input.refreshToken.length > MAX_TOKEN_CHARS
    ) {
      return vfail('BAD_REQUEST', 'refreshToken');
    }
    const sealed = await sealText(
      ctx.platform.subtle,
      u.keys.recordKey,
      bindingOf(u.keys.vaultId, 'sessions', id, 'refresh-token', company.value),
      input.refreshToken,
      ctx.platform.random,
    );
    if (!sealed.ok) return { ok: false, error: asVaultError(sealed.error) };
    refreshToken = sealed.value;
  }
  const now = ctx.platform.clock.now();
  const row: SessionRow = {
    id,
    companyId: company.value.id,
    referenceNumber: input.referenceNumber,
    method: input.method,
    ...(input.credentialId ? { credentialId: input.credentialId } : {}),
    startedAt: now,
    ...(input.accessValidUntil ? { accessValidUntil: input.accessValidUntil } : {}),
    ...(input.refreshValidUntil ? { refreshValidUntil: input.refreshValidUntil } : {}),
    ...(refreshToken ? { refreshToken } : {}),
    ...(input.handedTo ? { handedTo: input.handedTo } : {}),
    state: 'active',
    updatedAt: now,
  };
  return commit(ctx, u, {
    tables: ['sessions'],
    log: [
      {
        kind: 'login',
        companyId: row.companyId,
        actor: input.handedTo ?? 'user',
        detail: {
          referenceNumber: row.referenceNumber,
          method: row.method,
          refreshKept: refreshToken !== undefined,
        },
      },
    ],
    write: async () => {
      await ctx.db.sessions.add(row);
      return sessionView(row);
    },
  });
}

export async function endSession(
  ctx: VaultContext,
  u: Unlocked,
  input: { sessionId: string; state: Exclude<SessionState, 'active'> },
): Promise<VaultResult<SessionView>> {
  if (typeof input.sessionId !== 'string') return vfail('BAD_REQUEST', 'sessionId');
  if (input.state !== 'ended' && input.state !== 'revoked') return vfail('BAD_REQUEST', 'state');
  const s = await ctx.db.sessions.get(input.sessionId);
  if (!s) return vfail('NOT_FOUND', 'session');
  // The refresh token of an ended session is useless and dangerous: it is deleted, not kept.
  const { refreshToken: _gone, ...rest } = s;
  const updated: SessionRow = { ...rest, state: input.state, updatedAt: ctx.platform.clock.now() };
  return commit(ctx, u, {
    tables: ['sessions'],
    log: [
      {
        kind: 'session-ended',
        companyId: s.companyId,
        detail: { referenceNumber: s.referenceNumber, state: input.state },
      },
    ],
    write: async () => {
      if (!(await ctx.db.sessions.get(s.id))) throw new AbortWrite(vaultError('NOT_FOUND', 'session'));
      await ctx.db.sessions.put(updated);
      return sessionView(updated);
    },
  });
}

/** For the refresh flow inside the key worker (never over the RPC). */
export async function openRefreshToken(
  ctx: VaultContext,
  u: Unlocked,
  sessionId: string,
): Promise<VaultResult<string>> {
  const s = await ctx.db.sessions.get(sessionId);
  if (!s?.refreshToken) return vfail('NOT_FOUND', 'refresh token');
  const company = await findCompany(ctx, s.companyId);
  if (!company.ok) return company;
  const r = await openText(
    ctx.platform.subtle,
    u.keys.recordKey,
    bindingOf(u.keys.vaultId, 'sessions', s.id, 'refresh-token', company.value),
    s.refreshToken,
  );
  return r.ok ? r : { ok: false, error: asVaultError(r.error) };
}

/**
 * Access tokens, in memory only. `clear()` runs on every lock; the worker that holds this object
 * is terminated right after, which is the only real way to drop them (JS cannot zero memory).
 */
export class AccessTokenMemory {
  readonly #tokens = new Map<string, { token: string; validUntilMs: number }>();
  constructor(private readonly now: () => number) {}
  set(sessionId: string, token: string, validUntilMs: number): void {
    this.#tokens.set(sessionId, { token, validUntilMs });
  }
  get(sessionId: string): string | undefined {
    const t = this.#tokens.get(sessionId);
    if (!t) return undefined;
    if (t.validUntilMs <= this.now()) {
      this.#tokens.delete(sessionId);
      return undefined;
    }
    return t.token;
  }
  clear(): void {
    this.#tokens.clear();
  }
  get size(): number {
    return this.#tokens.size;
  }
}

/**
 * A refreshed access token's new expiry (REFERENCE §3.6): clear metadata for the screens; the token
 * itself stays in `AccessTokenMemory`. Not logged — a refresh is routine, and the log would fill.
 */
export async function recordAccessRefreshed(
  ctx: VaultContext,
  u: Unlocked,
  input: { sessionId: string; accessValidUntil: string },
): Promise<VaultResult<SessionView>> {
  if (typeof input.sessionId !== 'string') return vfail('BAD_REQUEST', 'sessionId');
  if (!isIsoDateTime(input.accessValidUntil)) return vfail('BAD_REQUEST', 'accessValidUntil');
  const s = await ctx.db.sessions.get(input.sessionId);
  if (!s) return vfail('NOT_FOUND', 'session');
  if (s.state !== 'active') return vfail('WRONG_STAGE', s.state);
  const updated: SessionRow = {
    ...s,
    accessValidUntil: input.accessValidUntil,
    updatedAt: ctx.platform.clock.now(),
  };
  return commit(ctx, u, {
    tables: ['sessions'],
    write: async () => {
      const current = await ctx.db.sessions.get(s.id);
      if (current?.state !== 'active')
        throw new AbortWrite(vaultError('WRONG_STAGE', current?.state ?? 'gone'));
      await ctx.db.sessions.put({
        ...current,
        accessValidUntil: input.accessValidUntil,
        updatedAt: updated.updatedAt,
      });
      return sessionView(updated);
    },
  });
}
