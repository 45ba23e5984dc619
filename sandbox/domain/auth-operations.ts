/**
 * Authentication operations after submission (REFERENCE §3.4–§3.7, §4, §11 "Auth operation"):
 * status 100 until the deferred checks run (`authDelayMs` after the submission — KSeF's server-side
 * verification time), then a final code; redeem exactly once; refresh with a non-rotating refresh
 * token fixed at redeem + 7 days; sessions listed per (subject, context) and revocable (status
 * 425, refresh refused, access tokens live until their `exp`). Statuses are kept 7 days, then 410.
 */
import type { Runtime } from '../runtime.ts';
import {
  type AllowedIps,
  type AuthenticationMethod,
  type AuthenticationMethodInfo,
  type AuthOperation,
  type CertificateSubjectData,
  type ContextIdentifier,
  contextKey,
  type PendingChecks,
  type StatusInfo,
  type SubjectIdentifier,
  subjectKey,
} from '../state/model.ts';
import { OPERATION_TOKEN_TTL_SECONDS } from './jwt.ts';
import { isDeceased, permissionsIn } from './permissions.ts';
import { newReferenceNumber, REFERENCE_TYPES } from './reference-number.ts';
import { DAY_MS, isoTime } from './time.ts';

export const AUTH_STATUS_RETENTION_MS = 7 * DAY_MS;

const FAILED = 'Uwierzytelnianie zakończone niepowodzeniem';
export const AUTH_STATUS = Object.freeze({
  inProgress: (): StatusInfo => ({ code: 100, description: 'Uwierzytelnianie w toku' }),
  success: (): StatusInfo => ({ code: 200, description: 'Uwierzytelnianie zakończone sukcesem' }),
  noPermissions: (): StatusInfo => ({
    code: 415,
    description: FAILED,
    details: ['Brak przypisanych uprawnień'],
  }),
  revoked: (): StatusInfo => ({
    code: 425,
    description: 'Uwierzytelnienie unieważnione',
    details: ['Uwierzytelnienie i powiązane refresh tokeny zostały unieważnione przez użytkownika'],
  }),
  badToken: (detail: string): StatusInfo => ({
    code: 450,
    description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu',
    details: [detail],
  }),
  badCertificate: (detail: string): StatusInfo => ({
    code: 460,
    description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu',
    details: [detail],
  }),
  deceased: (): StatusInfo => ({
    code: 470,
    description: FAILED,
    details: ['Próba wykorzystania metod autoryzacyjnych osoby zmarłej'],
  }),
  unknownError: (): StatusInfo => ({ code: 500, description: 'Nieznany błąd' }),
  cancelled: (): StatusInfo => ({
    code: 550,
    description: 'Operacja została anulowana przez system',
    details: ['Przetwarzanie zostało przerwane z przyczyn wewnętrznych systemu. Spróbuj ponownie'],
  }),
  blocked: (): StatusInfo => ({
    code: 480,
    description: 'Uwierzytelnienie zablokowane',
    details: [
      'Podejrzenie incydentu bezpieczeństwa. Skontaktuj się z Ministerstwem Finansów przez formularz zgłoszeniowy.',
    ],
  }),
});

/** 450 details (REFERENCE §4, §9.1; the 2.6.1 Polish wording). */
export const TOKEN_FAILURES = Object.freeze({
  encryption: 'Nieprawidłowe szyfrowanie tokena',
  encoding: 'Nieprawidłowe kodowanie tokena',
  time: 'Nieprawidłowy czas tokena',
  unknown: 'Nieprawidłowy token',
  inactive: 'Token nieaktywny',
  revoked: 'Token unieważniony',
  context: (context: ContextIdentifier) => `Token nie może być użyty w kontekście ${context.value}`,
});

/** 460 details (REFERENCE §4). */
export const CERTIFICATE_FAILURES = Object.freeze({
  expired: 'Nieważny certyfikat',
  untrustedChain: 'Niezaufany łańcuch certyfikatów',
  revoked: 'Certyfikat odwołany',
  invalid: 'Niepoprawny certyfikat',
});

export type NewOperation = {
  challenge: string;
  clientIp: string;
  authenticationMethod: AuthenticationMethod;
  methodInfo: AuthenticationMethodInfo;
  context: ContextIdentifier;
  subject: SubjectIdentifier | null;
  subjectData: CertificateSubjectData | null;
  allowedIps: AllowedIps | null;
  pending: PendingChecks;
};

export async function startOperation(rt: Runtime, input: NewOperation) {
  const now = rt.now();
  pruneOldOperations(rt, now);
  const referenceNumber = newReferenceNumber(REFERENCE_TYPES.authentication, now);
  const forced = rt.forcedAuthStatuses.shift();
  const op: AuthOperation = {
    referenceNumber,
    startDate: now,
    ...input,
    ...(forced ? { pending: { kind: 'forced' as const, code: forced } } : {}),
    readyAt: now + rt.settings.authDelayMs,
    status: AUTH_STATUS.inProgress(),
    permissions: [],
    ksefTokenRef: input.pending.kind === 'token' ? input.pending.tokenRef : null,
    ksefCertificateSerial: input.pending.kind === 'xades' ? input.pending.ksefCertificateSerial : null,
    operationTokenValidUntil: now + OPERATION_TOKEN_TTL_SECONDS * 1000,
    redeemedAt: null,
    refreshTokenValidUntil: null,
    lastTokenRefreshDate: null,
    revokedAt: null,
  };
  rt.state.authOperations[referenceNumber] = op;
  rt.store.changed();
  const token = await rt.jwt.issue('operation', { referenceNumber }, now, OPERATION_TOKEN_TTL_SECONDS);
  return {
    referenceNumber,
    authenticationToken: { token, validUntil: isoTime(op.operationTokenValidUntil) },
  };
}

function pruneOldOperations(rt: Runtime, now: number): void {
  for (const [ref, op] of Object.entries(rt.state.authOperations)) {
    if (now - op.startDate > 8 * AUTH_STATUS_RETENTION_MS) delete rt.state.authOperations[ref];
  }
}

/** Runs the deferred checks once their time has come (lazily, on the next read). */
export function settleOperation(rt: Runtime, op: AuthOperation): AuthOperation {
  const now = rt.now();
  if (op.status.code !== 100 || !op.pending || now < op.readyAt) return op;
  const verdict =
    op.pending.kind === 'forced'
      ? failed(op.pending.code === 550 ? AUTH_STATUS.cancelled() : AUTH_STATUS.unknownError())
      : op.pending.kind === 'xades'
        ? xadesVerdict(rt, op, now)
        : tokenVerdict(rt, op);
  op.status = verdict.status;
  op.permissions = verdict.permissions;
  op.pending = null;
  if (op.status.code === 200) {
    if (op.ksefCertificateSerial) {
      const cert = rt.state.certificates[op.ksefCertificateSerial];
      if (cert) cert.lastUseDate = now;
    }
    if (op.ksefTokenRef) {
      const token = rt.state.ksefTokens[op.ksefTokenRef];
      if (token) token.lastUseDate = now;
    }
  }
  rt.store.changed();
  return op;
}

type Verdict = { status: StatusInfo; permissions: string[] };
const failed = (status: StatusInfo): Verdict => ({ status, permissions: [] });

function commonChecks(rt: Runtime, op: AuthOperation, permissions: string[]): Verdict {
  if (rt.state.blockedContexts.includes(contextKey(op.context))) return failed(AUTH_STATUS.blocked());
  if (isDeceased(rt.state, op.subject)) return failed(AUTH_STATUS.deceased());
  if (permissions.length === 0) return failed(AUTH_STATUS.noPermissions());
  return { status: AUTH_STATUS.success(), permissions };
}

function xadesVerdict(rt: Runtime, op: AuthOperation, now: number): Verdict {
  const pending = op.pending as Extract<PendingChecks, { kind: 'xades' }>;
  if (pending.ksefCertificateSerial) {
    const cert = rt.state.certificates[pending.ksefCertificateSerial];
    // A KSeF certificate is checked internally: unknown, Offline (not for authentication),
    // revoked/blocked, expired (REFERENCE §3.9, §11 "Async").
    if (!cert || cert.type === 'Offline')
      return failed(AUTH_STATUS.badCertificate(CERTIFICATE_FAILURES.invalid));
    if (cert.status !== 'Active') return failed(AUTH_STATUS.badCertificate(CERTIFICATE_FAILURES.revoked));
    if (now < cert.validFrom || now >= cert.validTo) {
      return failed(AUTH_STATUS.badCertificate(CERTIFICATE_FAILURES.expired));
    }
  } else {
    if (now < pending.notBefore || now >= pending.notAfter) {
      return failed(AUTH_STATUS.badCertificate(CERTIFICATE_FAILURES.expired));
    }
    if (pending.chainRequired && !pending.chainTrusted) {
      return failed(AUTH_STATUS.badCertificate(CERTIFICATE_FAILURES.untrustedChain));
    }
  }
  const subject = op.subject;
  return commonChecks(rt, op, subject ? permissionsIn(rt.state, subject, op.context) : []);
}

function tokenVerdict(rt: Runtime, op: AuthOperation): Verdict {
  const pending = op.pending as Extract<PendingChecks, { kind: 'token' }>;
  if (pending.failure) return failed(AUTH_STATUS.badToken(pending.failure));
  const token = pending.tokenRef ? rt.state.ksefTokens[pending.tokenRef] : undefined;
  if (!token) return failed(AUTH_STATUS.badToken(TOKEN_FAILURES.unknown));
  settleTokenStatus(rt, token);
  if (token.status === 'Pending' || token.status === 'Failed')
    return failed(AUTH_STATUS.badToken(TOKEN_FAILURES.inactive));
  if (token.status !== 'Active') return failed(AUTH_STATUS.badToken(TOKEN_FAILURES.revoked));
  if (contextKey(token.context) !== contextKey(op.context)) {
    return failed(AUTH_STATUS.badToken(TOKEN_FAILURES.context(op.context)));
  }
  return commonChecks(rt, op, tokenSessionPermissions(rt, token.permissions, token.author, token.context));
}

/** A token session may use the token's permissions that its author still holds. */
export function tokenSessionPermissions(
  rt: Runtime,
  tokenPermissions: readonly string[],
  author: SubjectIdentifier,
  context: ContextIdentifier,
): string[] {
  const held = new Set(permissionsIn(rt.state, author, context));
  return tokenPermissions.filter((p) => held.has(p));
}

/** Pending → Active and Revoking → Revoked happen after their delay; derived on read. */
export function settleTokenStatus(rt: Runtime, token: import('../state/model.ts').KsefTokenRecord): void {
  const now = rt.now();
  if (token.status === 'Pending' && now >= token.activeAt) {
    token.status = 'Active';
    rt.store.changed();
  }
  if (token.status === 'Revoking' && token.revokedAt !== null && now >= token.revokedAt) {
    token.status = 'Revoked';
    rt.store.changed();
  }
}

export const isExpiredStatus = (rt: Runtime, op: AuthOperation) =>
  rt.now() - op.startDate >= AUTH_STATUS_RETENTION_MS;

export function statusView(rt: Runtime, op: AuthOperation) {
  settleOperation(rt, op);
  const finished = op.status.code === 200 || op.status.code === 425;
  return {
    startDate: isoTime(op.startDate),
    authenticationMethod: op.authenticationMethod,
    authenticationMethodInfo: op.methodInfo,
    status: op.status,
    ...(finished ? { isTokenRedeemed: op.redeemedAt !== null } : {}),
    ...(op.lastTokenRefreshDate !== null ? { lastTokenRefreshDate: isoTime(op.lastTokenRefreshDate) } : {}),
    ...(op.refreshTokenValidUntil !== null
      ? { refreshTokenValidUntil: isoTime(op.refreshTokenValidUntil) }
      : {}),
  };
}

/** What an access token carries about the subject (`sud`, as observed on TEST #482). */
function subjectDetails(op: AuthOperation): Record<string, unknown> {
  return {
    subjectIdentifier: op.subject,
    ...(op.subjectData?.givenName ? { givenName: op.subjectData.givenName } : {}),
    ...(op.subjectData?.surname ? { surname: op.subjectData.surname } : {}),
    ...(op.subjectData?.serialNumber ? { serialNumber: op.subjectData.serialNumber } : {}),
    ...(op.subjectData?.commonName ? { commonName: op.subjectData.commonName } : {}),
    ...(op.subjectData?.countryName ? { countryName: op.subjectData.countryName } : {}),
  };
}

export const issueAccessToken = (rt: Runtime, op: AuthOperation, permissions: string[]) =>
  rt.jwt.issue(
    'access',
    {
      referenceNumber: op.referenceNumber,
      context: op.context,
      authenticationMethod: op.authenticationMethod,
      subjectDetails: subjectDetails(op),
      permissions,
    },
    rt.now(),
    rt.settings.accessTokenTtlSeconds,
  );

/** Sessions of the same subject in the same context that can still be used or refreshed. */
export function activeSessions(rt: Runtime, of: AuthOperation): AuthOperation[] {
  const now = rt.now();
  if (!of.subject) return [];
  const subject = subjectKey(of.subject);
  const context = contextKey(of.context);
  return Object.values(rt.state.authOperations)
    .map((op) => settleOperation(rt, op))
    .filter(
      (op) =>
        op.subject !== null &&
        subjectKey(op.subject) === subject &&
        contextKey(op.context) === context &&
        op.status.code === 200 &&
        (op.redeemedAt !== null ? (op.refreshTokenValidUntil ?? 0) > now : op.operationTokenValidUntil > now),
    )
    .sort((a, b) => b.startDate - a.startDate);
}

export function revokeSession(rt: Runtime, op: AuthOperation): void {
  if (op.revokedAt !== null) return;
  op.revokedAt = rt.now();
  op.status = AUTH_STATUS.revoked();
  rt.store.changed();
}
