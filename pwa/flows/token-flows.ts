/**
 * KSeF tokens from the key worker (REFERENCE §3.8, §5.4; ARCHITECTURE "Nothing lost"; SECURITY.md
 * T12). KSeF shows a new token's secret once, so generation is written ahead:
 *
 *   intent (nonce in the description) → POST /tokens → secret sealed with the token row in ONE
 *   transaction → only then the page sees it → poll until Active → pending row closed.
 *
 * If the answer to POST /tokens is lost, a token may exist whose secret nobody saw: the worker looks
 * for it by the nonce and revokes it, now or at the next start (pending-flows.ts). Revoking and
 * tokens with Credentials* permissions need the passphrase re-entered (SECURITY.md §4).
 */
import { waitForTokenActive } from '../../shared/ksef/index.ts';
import { isLostAnswer } from '../../shared/ksef/ksef-call.ts';
import type { KsefClient } from '../../shared/ksef/ksef-client.ts';
import type { CompanyRow, TokenPermission, TokenStatus } from '../vault/records.ts';
import type { PendingView, TokenView } from '../vault/vault-api.ts';
import type { FlowResult, GeneratedTokenView, KsefTokenRow } from './flow-api.ts';
import {
  clientFor,
  type FlowCall,
  type FlowDeps,
  findCompany,
  flowFail,
  holding,
  requirePassphrase,
} from './flow-context.ts';
import { accessFor, companyAccess } from './session-access.ts';

/** Permissions that let a token manage credentials: the passphrase is asked again (SECURITY.md §4). */
export const CREDENTIAL_PERMISSIONS: ReadonlySet<TokenPermission> = new Set([
  'CredentialsManage',
  'CredentialsRead',
]);

/** The intent nonce as it is searched for at KSeF (the vault writes ` KW-<nonce>`, ksef-values.ts). */
export const nonceFilter = (nonce: string) => `KW-${nonce}`;

/**
 * Revokes every token at KSeF whose description carries the nonce: an orphan of a lost answer,
 * whose secret nobody holds. Returns how many were revoked.
 */
export async function revokeOrphans(
  client: KsefClient,
  accessToken: string,
  nonce: string,
  call: FlowCall,
): Promise<FlowResult<number>> {
  call.progress({ step: 'searching' });
  const found = await client.tokens.listAll(accessToken, { description: nonceFilter(nonce) });
  if (!found.ok) return found;
  let revoked = 0;
  for (const t of found.value) {
    if (!t.description.includes(nonceFilter(nonce))) continue;
    if (t.status !== 'Pending' && t.status !== 'Active') continue;
    call.progress({ step: 'revoking', referenceNumber: t.referenceNumber });
    const r = await client.tokens.revoke(accessToken, t.referenceNumber, call.signal);
    if (!r.ok) return r;
    revoked++;
  }
  return { ok: true, value: revoked };
}

export async function listKsefTokensFlow(
  deps: FlowDeps,
  companyId: string,
  call: FlowCall,
): Promise<FlowResult<readonly KsefTokenRow[]>> {
  const access = await companyAccess(deps, companyId, call);
  if (!access.ok) return access;
  const { client, accessToken } = access.value;
  call.progress({ step: 'listing' });
  const list = await client.tokens.listAll(accessToken);
  if (!list.ok) return list;
  const held = new Map((await deps.vault.listTokens(companyId)).map((t) => [t.referenceNumber, t]));
  const rows: KsefTokenRow[] = [];
  for (const t of list.value) {
    const mine = held.get(t.referenceNumber);
    // KSeF is the authority on a token's status; the vault's clear copy follows it (offline view).
    if (mine && mine.status !== t.status)
      await deps.vault.updateTokenStatus({ tokenId: mine.id, status: t.status });
    rows.push({
      referenceNumber: t.referenceNumber,
      description: t.description,
      permissions: [...t.requestedPermissions],
      status: t.status,
      dateCreated: t.dateCreated,
      ...(t.lastUseDate ? { lastUseDate: t.lastUseDate } : {}),
      author: `${t.authorIdentifier.type} ${t.authorIdentifier.value}`,
      ...(mine ? { tokenId: mine.id } : {}),
      isDefault: mine?.isDefault === 1 && t.status === 'Active',
    });
  }
  call.progress({ step: 'done' });
  return { ok: true, value: rows };
}

export async function generateTokenFlow(
  deps: FlowDeps,
  input: {
    companyId: string;
    description: string;
    permissions: readonly TokenPermission[];
    passphrase?: string;
  },
  call: FlowCall,
): Promise<FlowResult<GeneratedTokenView>> {
  const company = await findCompany(deps, input.companyId);
  if (!company.ok) return company;
  if (input.permissions.some((p) => CREDENTIAL_PERMISSIONS.has(p))) {
    const confirmed = await requirePassphrase(deps, input.passphrase);
    if (!confirmed.ok) return confirmed;
  }
  const client = clientFor(deps, company.value, call);
  const access = await accessFor(deps, company.value, client, call);
  if (!access.ok) return access;
  const begun = await deps.vault.beginTokenGeneration({
    companyId: input.companyId,
    description: input.description,
    permissions: input.permissions,
  });
  if (!begun.ok) return begun;
  return holding(deps, begun.value.pendingId, () =>
    generateWrittenAhead(deps, client, access.value.accessToken, input, begun.value, call),
  );
}

/** POST /tokens under a written intent, then the secret sealed before anything else. */
async function generateWrittenAhead(
  deps: FlowDeps,
  client: KsefClient,
  accessToken: string,
  input: { permissions: readonly TokenPermission[] },
  begun: { pendingId: string; nonce: string; description: string },
  call: FlowCall,
): Promise<FlowResult<GeneratedTokenView>> {
  call.progress({ step: 'generating' });
  const generated = await client.tokens.generate(
    accessToken,
    { permissions: [...input.permissions], description: begun.description },
    call.signal,
  );
  if (!generated.ok) {
    if (isLostAnswer(generated.error) || generated.error.code === 'ABORTED') {
      // Maybe created, secret unseen: revoke what carries our nonce, then close the intent. If
      // KSeF is unreachable now, the intent stays for the next start.
      const orphans = await revokeOrphans(client, accessToken, begun.nonce, call);
      if (orphans.ok) await deps.vault.abandonTokenGeneration({ pendingId: begun.pendingId });
    } else {
      await deps.vault.abandonTokenGeneration({ pendingId: begun.pendingId });
    }
    return generated;
  }
  const { referenceNumber, token: secret } = generated.value;
  // Sealed before anything else happens: from here on a crash loses nothing.
  let saved = await deps.vault.recordTokenGenerated({
    pendingId: begun.pendingId,
    referenceNumber,
    secret,
  });
  if (!saved.ok && saved.error.reason === 'STORAGE_FAILED')
    saved = await deps.vault.recordTokenGenerated({
      pendingId: begun.pendingId,
      referenceNumber,
      secret,
    });
  if (!saved.ok) {
    // A secret the vault could not keep is a liability: revoke the token rather than show it.
    await client.tokens.revoke(accessToken, referenceNumber);
    await deps.vault.abandonTokenGeneration({ pendingId: begun.pendingId });
    return saved;
  }
  call.progress({ step: 'done', referenceNumber });
  return { ok: true, value: { tokenId: saved.value.id, referenceNumber, secret, token: saved.value } };
}

/** Polls a generated token until KSeF says Active (or a final status) and closes its pending row. */
export async function activateToken(
  deps: FlowDeps,
  company: CompanyRow,
  token: TokenView,
  pending: PendingView | undefined,
  call: FlowCall,
): Promise<FlowResult<TokenView>> {
  const client = clientFor(deps, company, call);
  const access = await accessFor(deps, company, client, call);
  if (!access.ok) return access;
  call.progress({ step: 'activating', referenceNumber: token.referenceNumber });
  const waited = await waitForTokenActive(client, access.value.accessToken, token.referenceNumber, {
    signal: call.signal,
    onProgress: (p) =>
      call.progress({ step: 'activating', polls: p.polls, referenceNumber: token.referenceNumber }),
  });
  let status: TokenStatus;
  if (waited.ok) status = 'Active';
  else if (waited.error.code === 'TOKEN_FAILED') {
    const now = await client.tokens.get(access.value.accessToken, token.referenceNumber, call.signal);
    status = now.ok ? now.value.status : 'Failed';
  } else return waited;
  const done = pending
    ? await deps.vault.completeTokenActivation({ pendingId: pending.id, status })
    : await deps.vault.updateTokenStatus({ tokenId: token.id, status });
  if (!done.ok) return done;
  call.progress({ step: 'done', referenceNumber: token.referenceNumber });
  return status === 'Active'
    ? done
    : flowFail('TOKEN_FAILED', undefined, `token ${token.referenceNumber} is ${status}`);
}

export async function awaitTokenActiveFlow(
  deps: FlowDeps,
  tokenId: string,
  call: FlowCall,
): Promise<FlowResult<TokenView>> {
  const token = (await deps.vault.listTokens()).find((t) => t.id === tokenId);
  if (!token) return flowFail('INVALID_INPUT', undefined, 'unknown token');
  if (token.status !== 'Pending') return { ok: true, value: token };
  const company = await findCompany(deps, token.companyId);
  if (!company.ok) return company;
  const pending = (await deps.vault.pendingWork()).find((p) => p.kind === 'token' && p.tokenId === tokenId);
  if (!pending) return activateToken(deps, company.value, token, undefined, call);
  return holding(deps, pending.id, () => activateToken(deps, company.value, token, pending, call));
}

export async function revokeKsefTokenFlow(
  deps: FlowDeps,
  input: { companyId: string; referenceNumber: string; passphrase: string },
  call: FlowCall,
): Promise<FlowResult<{ readonly status: TokenStatus }>> {
  const company = await findCompany(deps, input.companyId);
  if (!company.ok) return company;
  const confirmed = await requirePassphrase(deps, input.passphrase);
  if (!confirmed.ok) return confirmed;
  const client = clientFor(deps, company.value, call);
  const access = await accessFor(deps, company.value, client, call);
  if (!access.ok) return access;
  call.progress({ step: 'revoking', referenceNumber: input.referenceNumber });
  const revoked = await client.tokens.revoke(access.value.accessToken, input.referenceNumber, call.signal);
  if (!revoked.ok) return revoked;
  const now = await client.tokens.get(access.value.accessToken, input.referenceNumber, call.signal);
  const status: TokenStatus = now.ok ? now.value.status : 'Revoking';
  const mine = (await deps.vault.listTokens(input.companyId)).find(
    (t) => t.referenceNumber === input.referenceNumber,
  );
  if (mine) {
    const updated = await deps.vault.updateTokenStatus({ tokenId: mine.id, status });
    if (!updated.ok) return updated;
  }
  call.progress({ step: 'done', referenceNumber: input.referenceNumber });
  return { ok: true, value: { status } };
}
