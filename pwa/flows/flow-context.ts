/**
 * What every flow in the key worker gets: the vault (inside the same worker), the platform, the
 * pieces shared by every tab (Retry-After gate, public-key cache, login budget) and — per call — the
 * transport that relays each KSeF request through the calling page to the extension, a progress
 * reporter and the cancel signal.
 */
import type { KsefClient } from '../../shared/ksef/ksef-client.ts';
import { createKsefClient } from '../../shared/ksef/ksef-client.ts';
import type { LoginLimiter } from '../../shared/ksef/login-limiter.ts';
import type { LoginProgress } from '../../shared/ksef/login-types.ts';
import type { PublicKeyCache } from '../../shared/ksef/public-keys.ts';
import type { RateLimitGate } from '../../shared/ksef/rate-limit-gate.ts';
import type { Clock, Transport } from '../../shared/platform.ts';
import type { ErrorCode } from '../../shared/result.ts';
import type { VaultResult } from '../vault/errors.ts';
import type { CompanyRow } from '../vault/records.ts';
import type { Vault } from '../vault/vault-api.ts';
import type { FlowError, FlowProgress, FlowReason, FlowResult } from './flow-api.ts';

/**
 * The vault as the flows see it: the public interface plus the worker-only accessors of
 * `VaultService.flows` (non-extractable signing keys, secrets for the request that sends them, and
 * the few writes only a flow makes). A page can never reach `flows`: it is not part of the RPC.
 */
export type FlowVault = Pick<
  Vault,
  | 'listCompanies'
  | 'listCertificates'
  | 'listTokens'
  | 'listSessions'
  | 'recordSession'
  | 'endSession'
  | 'beginTokenGeneration'
  | 'recordTokenGenerated'
  | 'completeTokenActivation'
  | 'abandonTokenGeneration'
  | 'updateTokenStatus'
  | 'prepareEnrollment'
  | 'recordEnrollmentSubmitted'
  | 'completeEnrollment'
  | 'failEnrollment'
  | 'setCertificateExcludedFromBackup'
  | 'pendingWork'
  // The hand-off's approvals (handoff-flows.ts): MAC'd, checked besides the extension's own.
  | 'listApprovals'
  | 'grantApproval'
  | 'checkApproval'
  | 'revokeApproval'
> & {
  readonly accessTokens: {
    set(sessionId: string, token: string, validUntilMs: number): void;
    get(sessionId: string): string | undefined;
  };
  readonly flows: {
    signingKey(
      certificateId: string,
    ): Promise<VaultResult<{ privateKey: CryptoKey; certificateDer?: Uint8Array }>>;
    tokenSecret(tokenId: string): Promise<VaultResult<string>>;
    refreshToken(sessionId: string): Promise<VaultResult<string>>;
    enrollmentCsr(pendingId: string): Promise<VaultResult<Uint8Array>>;
    /** SECURITY.md §4: revoke and Credentials* tokens need the passphrase re-entered. */
    confirmPassphrase(passphrase: string): Promise<VaultResult<true>>;
    /** A refreshed access token's new expiry (clear metadata; the token itself stays in memory). */
    sessionRefreshed(input: { sessionId: string; accessValidUntil: string }): Promise<VaultResult<unknown>>;
    /** KSeF says the certificate is revoked (by us or elsewhere): it can no longer log in. */
    certificateRevoked(input: { certificateId: string }): Promise<VaultResult<unknown>>;
  };
};

export type FlowDeps = {
  readonly vault: FlowVault;
  readonly subtle: SubtleCrypto;
  readonly clock: Clock;
  readonly gate: RateLimitGate;
  readonly publicKeys: PublicKeyCache;
  readonly limiter: LoginLimiter;
  /** Polling overrides (tests); the client's defaults otherwise. */
  readonly polling?: Parameters<typeof createKsefClient>[0]['polling'];
  /**
   * Pending-work ids a running flow is handling right now (a token between its intent and
   * activation, an enrollment being submitted or polled). Resuming skips them: an intent whose
   * POST /tokens is still in flight is not an orphan.
   */
  readonly inFlight: Set<string>;
};

/** Marks a pending row as handled by the running flow until `fn` settles. */
export async function holding<T>(deps: FlowDeps, pendingId: string, fn: () => Promise<T>): Promise<T> {
  deps.inFlight.add(pendingId);
  try {
    return await fn();
  } finally {
    deps.inFlight.delete(pendingId);
  }
}

/** One call from one page: its relay to the extension, its progress channel, its cancel signal. */
export type FlowCall = {
  readonly transport: Transport;
  readonly signal: AbortSignal;
  progress(p: Omit<FlowProgress, 'operationId'>): void;
};

export const flowFail = <T = never>(
  code: ErrorCode,
  reason?: FlowReason,
  detail?: string,
): FlowResult<T> => ({
  ok: false,
  error: {
    code,
    ...(reason === undefined ? {} : { reason }),
    ...(detail === undefined ? {} : { detail }),
  },
});

export const asFlowError = (e: FlowError): { ok: false; error: FlowError } => ({ ok: false, error: e });

export async function findCompany(deps: FlowDeps, companyId: string): Promise<FlowResult<CompanyRow>> {
  const company = (await deps.vault.listCompanies()).find((c) => c.id === companyId);
  return company ? { ok: true, value: company } : flowFail('INVALID_INPUT', undefined, 'unknown company');
}

/** A KSeF client for one company and one call: every request goes through that call's relay. */
export function clientFor(deps: FlowDeps, company: CompanyRow, call: FlowCall): KsefClient {
  return createKsefClient({
    transport: call.transport,
    clock: deps.clock,
    subtle: deps.subtle,
    env: company.environment,
    context: { type: 'Nip', value: company.nip },
    rateLimitGate: deps.gate,
    publicKeyCache: deps.publicKeys,
    loginLimiter: deps.limiter,
    ...(deps.polling ? { polling: deps.polling } : {}),
  });
}

/** The login flows' progress, as flow progress. */
export const loginProgress =
  (call: FlowCall) =>
  (p: LoginProgress): void =>
    call.progress({
      step: p.phase,
      attempt: p.attempt,
      polls: p.polls,
      ...(p.challengeLeftMs === undefined ? {} : { challengeLeftMs: p.challengeLeftMs }),
      ...(p.statusCode === undefined ? {} : { statusCode: p.statusCode }),
      ...(p.referenceNumber === undefined ? {} : { referenceNumber: p.referenceNumber }),
    });

/** Confirms a re-entered passphrase; a missing one is named as such. */
export async function requirePassphrase(deps: FlowDeps, passphrase: unknown): Promise<FlowResult<true>> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    return flowFail('INVALID_INPUT', undefined, 'passphrase required');
  const r = await deps.vault.flows.confirmPassphrase(passphrase);
  return r.ok ? { ok: true, value: true } : r;
}
