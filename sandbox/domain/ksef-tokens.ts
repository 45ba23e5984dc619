/**
 * KSeF tokens (REFERENCE §3.8, §11 "KSeF tokens"): generated only from a signature-based session
 * in a Nip or InternalId context (26002), with permissions the caller holds (26001); the secret is
 * returned once and only its SHA-256 is kept; Pending → Active after `tokenActivationDelayMs`,
 * Revoking → Revoked after the same delay; visibility and revocation by CredentialsManage /
 * CredentialsRead, by the token a session used, or by authorship (NIP–PESEL link counts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { badRequest, forbidden, type KsefFailure } from '../http/ksef-errors.ts';
import type { Runtime } from '../runtime.ts';
import {
  type AuthOperation,
  contextKey,
  type KsefTokenRecord,
  type SubjectIdentifier,
} from '../state/model.ts';
import { settleTokenStatus } from './auth-operations.ts';
import { isSameOrLinked, permissionsIn } from './permissions.ts';
import { newReferenceNumber, REFERENCE_TYPES } from './reference-number.ts';
import { isoTime } from './time.ts';

export type Caller = { operation: AuthOperation; permissions: readonly string[] };

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: KsefFailure };
const fail = (failure: KsefFailure): Outcome<never> => ({ ok: false, failure });

const isTokenSession = (op: AuthOperation) => op.authenticationMethod === 'Token';

export function generateToken(
  rt: Runtime,
  caller: Caller,
  body: { permissions: string[]; description: string },
): Outcome<{ referenceNumber: string; token: string }> {
  const op = caller.operation;
  if (isTokenSession(op) || !op.subject) {
    // Tokens need a session authenticated with a signature (docs: tokeny-ksef.md "Wymagania wstępne").
    return fail(
      forbidden('auth-method-not-allowed', { authenticationMethodCategory: op.methodInfo.category }),
    );
  }
  if (op.context.type !== 'Nip' && op.context.type !== 'InternalId') {
    return fail(
      badRequest(
        26002,
        `Aktualny typ kontekstu: ${op.context.type}. Dozwolone typy kontekstu: Nip, InternalId.`,
      ),
    );
  }
  const requested = [...new Set(body.permissions)];
  if (requested.length === 0)
    return fail(badRequest(21405, 'body.permissions: must NOT have fewer than 1 items'));
  const missing = requested.filter((p) => !caller.permissions.includes(p));
  if (missing.length) return fail(badRequest(26001, `Brakujące uprawnienia: ${missing.join(', ')}.`));

  const now = rt.now();
  const referenceNumber = newReferenceNumber(REFERENCE_TYPES.ksefToken, now);
  const secret = randomBytes(32).toString('hex');
  const ctx = op.context.type === 'Nip' ? 'nip' : 'internalId';
  const record: KsefTokenRecord = {
    referenceNumber,
    secretHash: createHash('sha256').update(secret, 'utf8').digest('hex'),
    context: { ...op.context },
    author: { ...op.subject },
    description: body.description,
    permissions: requested,
    dateCreated: now,
    activeAt: now + rt.settings.tokenActivationDelayMs,
    status: 'Pending',
    revokedAt: null,
    lastUseDate: null,
    statusDetails: null,
  };
  rt.state.ksefTokens[referenceNumber] = record;
  rt.store.changed();
  return {
    ok: true,
    value: { referenceNumber, token: `${referenceNumber}|${ctx}-${op.context.value}|${secret}` },
  };
}

export function tokenView(rt: Runtime, t: KsefTokenRecord) {
  settleTokenStatus(rt, t);
  return {
    referenceNumber: t.referenceNumber,
    authorIdentifier: { ...t.author },
    contextIdentifier: { ...t.context },
    description: t.description,
    requestedPermissions: [...t.permissions],
    dateCreated: isoTime(t.dateCreated),
    ...(t.lastUseDate !== null ? { lastUseDate: isoTime(t.lastUseDate) } : {}),
    status: t.status,
    ...(t.statusDetails ? { statusDetails: [...t.statusDetails] } : {}),
  };
}

/** Tokens of the caller's context that the caller may see (the spec's GET /tokens rules). */
export function visibleTokens(rt: Runtime, caller: Caller): KsefTokenRecord[] {
  const op = caller.operation;
  const inContext = Object.values(rt.state.ksefTokens).filter(
    (t) => contextKey(t.context) === contextKey(op.context),
  );
  if (caller.permissions.includes('CredentialsManage') || caller.permissions.includes('CredentialsRead')) {
    return inContext;
  }
  if (isTokenSession(op)) return inContext.filter((t) => t.referenceNumber === op.ksefTokenRef);
  const subject = op.subject;
  return subject ? inContext.filter((t) => isSameOrLinked(rt.state, subject, t.author)) : [];
}

export type TokenFilters = {
  status?: string[];
  description?: string;
  authorIdentifier?: string;
  authorIdentifierType?: string;
};

export function listTokens(rt: Runtime, caller: Caller, filters: TokenFilters): KsefTokenRecord[] {
  const description = filters.description?.toLowerCase();
  const author = filters.authorIdentifier?.toLowerCase();
  return visibleTokens(rt, caller)
    .map((t) => {
      settleTokenStatus(rt, t);
      return t;
    })
    .filter(
      (t) =>
        (!filters.status?.length || filters.status.includes(t.status)) &&
        (!description || t.description.toLowerCase().includes(description)) &&
        (!author || t.author.value.toLowerCase().includes(author)) &&
        (!filters.authorIdentifierType || t.author.type === filters.authorIdentifierType),
    )
    .sort((a, b) => b.dateCreated - a.dateCreated || a.referenceNumber.localeCompare(b.referenceNumber));
}

const notInContext = (ref: string) => badRequest(21405, `Token o numerze referencyjnym ${ref} nie istnieje.`);

export function getToken(rt: Runtime, caller: Caller, ref: string): Outcome<KsefTokenRecord> {
  const t = rt.state.ksefTokens[ref];
  if (!t || contextKey(t.context) !== contextKey(caller.operation.context)) return fail(notInContext(ref));
  // Since 2.4.0 a token session reads its own token without Credentials* permissions.
  if (!visibleTokens(rt, caller).includes(t)) return fail(forbidden('insufficient-resource-access'));
  return { ok: true, value: t };
}

export function revokeToken(rt: Runtime, caller: Caller, ref: string): Outcome<void> {
  const t = rt.state.ksefTokens[ref];
  const op = caller.operation;
  if (!t || contextKey(t.context) !== contextKey(op.context)) return fail(notInContext(ref));
  const allowed = caller.permissions.includes('CredentialsManage')
    ? true
    : isTokenSession(op)
      ? op.ksefTokenRef === ref
      : op.subject !== null && isSameOrLinked(rt.state, op.subject, t.author);
  if (!allowed) return fail(forbidden('insufficient-resource-access'));
  settleTokenStatus(rt, t);
  if (t.status === 'Pending' || t.status === 'Active') {
    t.status = 'Revoking';
    t.revokedAt = rt.now() + rt.settings.tokenActivationDelayMs;
    rt.store.changed();
    settleTokenStatus(rt, t);
  }
  return { ok: true, value: undefined };
}

/**
 * "Tokens are revoked automatically when the underlying permissions are lost" (REFERENCE §3.8):
 * run after every change of test data permissions.
 */
export function revokeTokensWithoutPermissions(rt: Runtime): void {
  for (const t of Object.values(rt.state.ksefTokens)) {
    if (t.status === 'Revoked' || t.status === 'Failed') continue;
    const held = new Set(permissionsIn(rt.state, t.author as SubjectIdentifier, t.context));
    if (t.permissions.every((p) => held.has(p))) continue;
    t.status = 'Revoked';
    t.revokedAt = rt.now();
    t.statusDetails = ['Token unieważniony z powodu utraty uprawnień przez autora.'];
    rt.store.changed();
  }
}

/** The `Failed` path, for tests (control API): a Pending token that will never become Active. */
export function failTokenActivation(rt: Runtime, ref: string): boolean {
  const t = rt.state.ksefTokens[ref];
  if (t?.status !== 'Pending') return false;
  t.status = 'Failed';
  t.statusDetails = ['Nie udało się aktywować tokena.'];
  rt.store.changed();
  return true;
}
