/**
 * What the hand-off needs from the wallet: the vault's clear lists and lock state, and the key
 * worker's hand-off flows. Minting, refreshing and revoking run inside the key worker, next to the
 * credentials (SECURITY.md T1, T10): a page asks for "a fresh session of this company for this
 * origin" and gets the session's tokens only to pass them to the extension at once.
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { WalletError } from '../../../shared/result.ts';
import type { HandoffFlowMethod } from '../../flows/handoff-flow-contract.ts';
import type { Vault } from '../../vault/vault-api.ts';

export type HandoffFlowResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: WalletError & { readonly reason?: string } };

/** A fresh session minted for one hand-off: what goes into `handoff.complete` (HandedSession). */
export type MintedSession = {
  readonly environment: EnvironmentId;
  readonly nip: string;
  readonly referenceNumber: string;
  readonly accessToken: string;
  readonly accessTokenValidUntil: string;
  /** Only when the mint asked for it (an approved "with refresh token" grant). */
  readonly refreshToken?: string;
  readonly refreshTokenValidUntil?: string;
  /** From the access token's `per` claim. */
  readonly permissions: readonly string[];
};

export type MintInput = {
  readonly operationId: string;
  readonly companyId: string;
  /** The exact ERP origin the session is for (recorded with the session as `handedTo`). */
  readonly origin: string;
  /** Let the refresh token out of the worker (an approved "with refresh token" grant only). */
  readonly includeRefreshToken: boolean;
  /** The ERP's egress IPv4 addresses the user entered; with them the session gets an IP policy. */
  readonly erpAddresses: readonly string[];
};

export type RevokeHandedInput = {
  readonly operationId: string;
  readonly referenceNumbers: readonly string[];
};

export type RevokeHandedReport = {
  /** Revoked at KSeF now, or already over there (KSeF no longer refreshes them). */
  readonly revoked: readonly string[];
  /** Not revoked now (offline, KSeF unavailable, locked): to be tried again later. */
  readonly failed: readonly { readonly referenceNumber: string; readonly code: string }[];
};

export type RefreshedAccess = { readonly accessToken: string; readonly accessTokenValidUntil: string };

export type HandoffApproval = {
  readonly approved: boolean;
  readonly allowRefresh: boolean;
  readonly erpAddresses: readonly string[];
};

export type HandoffFlows = {
  /** Logs the company in afresh with its default credential (never an existing session). */
  mintHandoffSession(input: MintInput): Promise<HandoffFlowResult<MintedSession>>;
  /** Revokes handed sessions at KSeF (`DELETE /auth/sessions/{ref}`) and ends them in the vault. */
  revokeHandedSessions(input: RevokeHandedInput): Promise<HandoffFlowResult<RevokeHandedReport>>;
  /** A new access token for an ERP that holds none of the refresh token (the wallet keeps it). */
  refreshHandedSession(input: {
    readonly operationId: string;
    readonly referenceNumber: string;
  }): Promise<HandoffFlowResult<RefreshedAccess>>;
  /** Stores the user's approval in the vault (MAC'd; the passphrase re-entered, SECURITY.md §4). */
  approveHandoff(input: {
    readonly origin: string;
    readonly companyId: string;
    readonly allowRefresh: boolean;
    readonly erpAddresses: readonly string[];
    readonly passphrase: string;
  }): Promise<HandoffFlowResult<HandoffApproval>>;
  /** The vault's approval for an origin and company, verified (a tampered one counts as none). */
  handoffApproval(input: {
    readonly origin: string;
    readonly companyId: string;
  }): Promise<HandoffFlowResult<HandoffApproval>>;
  /**
   * Confirms the re-entered passphrase (SECURITY.md §4 "revoke"), then removes the vault's approval
   * of the origin for the company of that NIP and environment, if it has one.
   */
  withdrawHandoffApproval(input: {
    readonly origin: string;
    readonly nip: string;
    readonly environment: EnvironmentId;
    readonly passphrase: string;
  }): Promise<HandoffFlowResult<{ readonly removed: number }>>;
};

export type HandoffVault = Pick<
  Vault,
  'status' | 'unlock' | 'lock' | 'listCompanies' | 'listCertificates' | 'listTokens' | 'listSessions'
> &
  HandoffFlows;

/** How a page reaches one flow method of the key worker (`VaultClient.invokeFlow`). */
export type InvokeHandoffFlow = (method: HandoffFlowMethod, params: unknown) => Promise<unknown>;

const operationId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/**
 * The hand-off's view of the wallet: the vault's clear lists and lock calls, and the key worker's
 * hand-off flows (pwa/flows/handoff-flows.ts) by name. The worker checks every argument against its
 * strict schema and the vault client every reply (plain data, a Result), so the casts below only
 * name what that contract already guarantees.
 */
export function createHandoffVault(
  vault: Pick<
    Vault,
    'status' | 'unlock' | 'lock' | 'listCompanies' | 'listCertificates' | 'listTokens' | 'listSessions'
  >,
  invoke: InvokeHandoffFlow,
): HandoffVault {
  const run = <T>(method: HandoffFlowMethod, params: object) =>
    invoke(method, { operationId: operationId(), ...params }) as Promise<HandoffFlowResult<T>>;
  return {
    status: () => vault.status(),
    unlock: (passphrase) => vault.unlock(passphrase),
    lock: (reason) => vault.lock(reason),
    listCompanies: () => vault.listCompanies(),
    listCertificates: (companyId) => vault.listCertificates(companyId),
    listTokens: (companyId) => vault.listTokens(companyId),
    listSessions: (companyId) => vault.listSessions(companyId),
    mintHandoffSession: ({ operationId: _op, ...input }) => run('mintHandoffSession', input),
    revokeHandedSessions: ({ operationId: _op, ...input }) => run('revokeHandedSessions', input),
    refreshHandedSession: ({ operationId: _op, ...input }) => run('refreshHandedSession', input),
    approveHandoff: (input) => run('approveHandoff', input),
    handoffApproval: (input) => run('handoffApproval', input),
    withdrawHandoffApproval: (input) => run('withdrawHandoffApproval', input),
  };
}
