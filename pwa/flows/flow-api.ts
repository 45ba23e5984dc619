/**
 * The KSeF flows that run inside the key worker, next to the keys (SECURITY.md T1, T10): the narrow
 * methods a PWA page may call to log in, manage tokens, certificates and sessions. Each takes the
 * flow's inputs — a company, a credential id, a picked file — and never a document or challenge to
 * sign or encrypt: the worker fetches every challenge it signs or encrypts for, in the same flow.
 *
 * What comes back is plain data: reference numbers, times, statuses and lists. Access tokens stay
 * in the worker's memory and refresh tokens sealed in the vault; the one secret a page ever sees is
 * a new KSeF token's secret, once, after it was stored encrypted (`generateToken`).
 *
 * Every method takes an `operationId` chosen by the page: progress events carry it, and
 * `abortOperation` cancels by it.
 */
import type { WalletError } from '../../shared/result.ts';
import type { CertificateType, SessionMethod, TokenPermission, TokenStatus } from '../vault/records.ts';
import type { CertificateView, SessionView, TokenView } from '../vault/vault-api.ts';

/** Why a flow did not happen, beyond the KSeF client's codes (stable; add, never rename). */
export const FLOW_REASONS = [
  /** No usable session for the company: log in first. */
  'NO_SESSION',
  /** The operation needs a session logged in with a signature (KSeF 25001/25002 otherwise). */
  'NEEDS_SIGNATURE_SESSION',
  /** Neither a default certificate nor a default token to log in with. */
  'NO_DEFAULT_CREDENTIAL',
  /** The test certificate exists on TEST and local sandboxes only (SECURITY.md T10). */
  'NOT_TEST_ENVIRONMENT',
  /** An offline certificate cannot log in (REFERENCE §3.9). */
  'CERTIFICATE_NOT_FOR_LOGIN',
  /** The prepared request or the pending login is not (or no longer) known to this worker. */
  'UNKNOWN_REQUEST',
  /** The login's tokens were already redeemed. */
  'ALREADY_REDEEMED',
  /** KSeF's enrollment limit says no (`canRequest: false`). */
  'ENROLLMENT_LIMIT',
  /** The enrollment is still being processed at KSeF. */
  'ENROLLMENT_IN_PROGRESS',
  /** The operation id is already running. */
  'OPERATION_BUSY',
] as const;
export type FlowReason = (typeof FLOW_REASONS)[number];

/** A flow's failure: a wallet error (KSeF's numbers in `ksef`), optionally a precise reason. */
export type FlowError = WalletError & { readonly reason?: string; readonly element?: string };
export type FlowResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: FlowError };

export const FLOW_STEPS = [
  'session',
  'refreshing',
  'publicKey',
  'challenge',
  'signing',
  'encrypting',
  'submitting',
  'polling',
  'redeeming',
  'recording',
  'limits',
  'enrollment-data',
  'key',
  'enrolling',
  'enrollment-status',
  'retrieving',
  'generating',
  'activating',
  'searching',
  'revoking',
  'listing',
  'done',
] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

/** A progress event of a running flow (worker → page). */
export type FlowProgress = {
  readonly operationId: string;
  readonly step: FlowStep;
  readonly attempt?: number;
  readonly polls?: number;
  /** Time left on the challenge, on the worker's clock. */
  readonly challengeLeftMs?: number;
  readonly statusCode?: number;
  readonly referenceNumber?: string;
  /** For pending work: which item of how many. */
  readonly item?: number;
  readonly items?: number;
};

export type Op = { readonly operationId: string };
export type CompanyOp = Op & { readonly companyId: string };

/** A session the worker logged in and recorded: no token, only what the UI shows. */
export type SessionSummary = {
  readonly sessionId: string;
  readonly companyId: string;
  readonly referenceNumber: string;
  readonly method: SessionMethod;
  readonly credentialId?: string;
  readonly accessValidUntil?: string;
  readonly refreshValidUntil?: string;
  /** How KSeF saw the login (e.g. "Pieczęć kwalifikowana"), when it said. */
  readonly authenticationMethod?: string;
};

export type PreparedRequestView = {
  readonly requestId: string;
  readonly companyId: string;
  /** The unsigned AuthTokenRequest to download: not a secret (a challenge and the NIP). */
  readonly xml: string;
  readonly fileName: string;
  readonly challenge: string;
  readonly challengeTimestampMs: number;
  /** Expiry on the worker's clock (the countdown). */
  readonly expiresAtMs: number;
  readonly nip: string;
};

export type AuthRequestView = {
  readonly referenceNumber: string;
  readonly companyId: string;
  readonly startedAt: number;
  /** KSeF auth status: 100 in progress, 200 done, anything else final (REFERENCE §4). */
  readonly statusCode?: number;
  readonly statusDescription?: string;
  readonly statusDetails?: readonly string[];
  readonly redeemed: boolean;
  readonly sessionId?: string;
  readonly warnings: readonly string[];
};

export type KsefTokenRow = {
  readonly referenceNumber: string;
  readonly description: string;
  readonly permissions: readonly string[];
  readonly status: TokenStatus;
  readonly dateCreated: string;
  readonly lastUseDate?: string;
  readonly author: string;
  /** The vault's row for this token, when the wallet holds its secret. */
  readonly tokenId?: string;
  readonly isDefault: boolean;
};

export type GeneratedTokenView = {
  readonly tokenId: string;
  readonly referenceNumber: string;
  /** KSeF shows it once; it is already sealed in the vault when this arrives. Never log it. */
  readonly secret: string;
  readonly token: TokenView;
};

export type PublicKeyCertificateRow = {
  readonly certificateId: string;
  readonly publicKeyId: string;
  readonly usage: readonly string[];
  readonly validFrom: string;
  readonly validTo: string;
};

export type CertificateLimitsView = {
  readonly canRequest: boolean;
  readonly enrollment: { readonly remaining: number; readonly limit: number };
  readonly certificate: { readonly remaining: number; readonly limit: number };
};

export type EnrollInput = CompanyOp & {
  readonly certificateName: string;
  readonly certificateType: CertificateType;
  readonly algorithm: 'RSA-2048' | 'ECDSA-P256';
  readonly excludeFromBackup: boolean;
  /** Poll the enrollment and retrieve the certificate at once (default); otherwise stop after submit. */
  readonly automatic: boolean;
};

export type EnrollmentView = {
  readonly certificateId: string;
  readonly referenceNumber?: string;
  readonly statusCode?: number;
  readonly statusDescription?: string;
  readonly serialNumber?: string;
  readonly certificate?: CertificateView;
};

export type KsefCertificateRow = {
  readonly serialNumber: string;
  readonly name: string;
  readonly type: CertificateType;
  readonly status: 'Active' | 'Blocked' | 'Revoked' | 'Expired';
  readonly commonName: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly requestDate: string;
  readonly lastUseDate?: string;
  /** The vault's row, when the wallet holds this certificate (and its key). */
  readonly certificateId?: string;
  readonly isDefault: boolean;
};

export type KsefSessionRow = {
  readonly referenceNumber: string;
  readonly startDate: string;
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly method?: string;
  readonly isCurrent: boolean;
  readonly refreshTokenValidUntil?: string;
  readonly lastTokenRefreshDate?: string;
  /** The wallet's record of it, when it started there. */
  readonly sessionId?: string;
  /** The ERP origin a hand-off session went to. */
  readonly handedTo?: string;
};

export type ResumeReport = {
  readonly tokensActivated: number;
  readonly tokensFailed: number;
  readonly orphansRevoked: number;
  readonly intentsClosed: number;
  readonly certificatesRetrieved: number;
  readonly enrollmentsRejected: number;
  /** Items that could not be finished now (no session, offline, still in progress). */
  readonly waiting: number;
  readonly problems: readonly { readonly companyId: string; readonly error: FlowError }[];
};

/** The flow methods (page → key worker). */
export type WalletFlows = {
  loginWithTestCertificate(input: CompanyOp): Promise<FlowResult<SessionSummary>>;
  loginWithCertificate(input: CompanyOp & { certificateId?: string }): Promise<FlowResult<SessionSummary>>;
  loginWithToken(input: CompanyOp & { tokenId?: string }): Promise<FlowResult<SessionSummary>>;
  /** The company's default credential: its default KSeF certificate, else its default token. */
  loginWithDefault(input: CompanyOp): Promise<FlowResult<SessionSummary>>;

  prepareSignedRequest(input: CompanyOp): Promise<FlowResult<PreparedRequestView>>;
  submitSignedRequest(
    input: Op & { requestId: string; file: Uint8Array },
  ): Promise<FlowResult<AuthRequestView>>;
  listAuthRequests(input: { companyId: string }): Promise<readonly AuthRequestView[]>;
  getAuthStatus(input: Op & { referenceNumber: string }): Promise<FlowResult<AuthRequestView>>;
  redeemAccessToken(input: Op & { referenceNumber: string }): Promise<FlowResult<SessionSummary>>;
  /** Automatic polling: status until final, then redeem once. */
  awaitLogin(input: Op & { referenceNumber: string }): Promise<FlowResult<SessionSummary>>;

  listKsefTokens(input: CompanyOp): Promise<FlowResult<readonly KsefTokenRow[]>>;
  generateToken(
    input: CompanyOp & {
      description: string;
      permissions: readonly TokenPermission[];
      /** Required for Credentials* permissions (SECURITY.md §4). */
      passphrase?: string;
    },
  ): Promise<FlowResult<GeneratedTokenView>>;
  awaitTokenActive(input: Op & { tokenId: string }): Promise<FlowResult<TokenView>>;
  revokeKsefToken(
    input: CompanyOp & { referenceNumber: string; passphrase: string },
  ): Promise<FlowResult<{ readonly status: TokenStatus }>>;

  getPublicKeyCertificates(input: CompanyOp): Promise<FlowResult<readonly PublicKeyCertificateRow[]>>;
  certificateLimits(input: CompanyOp): Promise<FlowResult<CertificateLimitsView>>;
  enrollCertificate(input: EnrollInput): Promise<FlowResult<EnrollmentView>>;
  getEnrollmentStatus(input: Op & { certificateId: string }): Promise<FlowResult<EnrollmentView>>;
  retrieveCertificate(input: Op & { certificateId: string }): Promise<FlowResult<EnrollmentView>>;
  queryKsefCertificates(input: CompanyOp): Promise<FlowResult<readonly KsefCertificateRow[]>>;
  revokeKsefCertificate(
    input: CompanyOp & {
      serialNumber: string;
      reason?: 'Unspecified' | 'Superseded' | 'KeyCompromise';
      passphrase: string;
    },
  ): Promise<FlowResult<{ readonly revoked: true }>>;

  listKsefSessions(input: CompanyOp): Promise<FlowResult<readonly KsefSessionRow[]>>;
  refreshSession(input: Op & { sessionId: string }): Promise<FlowResult<SessionSummary>>;
  revokeSession(
    input: CompanyOp & { referenceNumber: string },
  ): Promise<FlowResult<{ readonly revoked: true }>>;

  resumePendingWork(input: Op): Promise<FlowResult<ResumeReport>>;
  abortOperation(input: Op): Promise<{ readonly aborted: boolean }>;
};

export type FlowMethod = keyof WalletFlows;

export type { CertificateView, SessionView, TokenView };
