/**
 * What the vault stores, row by row (ARCHITECTURE.md "The vault"). Clear fields are the non-secret
 * metadata shown while locked and offline; `Uint8Array` fields named after a secret are sealed
 * (shared/crypto/FORMAT.md §4) and bound to their row, field, company and environment. Every row
 * has a random UUID v4 (never an auto-increment: the id is part of the associated data). Booleans
 * that need an index are 0/1, because IndexedDB cannot index `true`/`false`.
 */

import type { KdfParams } from '../../shared/crypto/kdf.ts';
import type { WrappedSigningKey } from '../../shared/crypto/keys.ts';
import type { VaultKeyring } from '../../shared/crypto/vault-keyring.ts';
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';

export type Flag = 0 | 1;

export type CompanyRow = {
  readonly id: string;
  readonly name: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly createdAt: number;
  readonly updatedAt: number;
};

export const CERTIFICATE_TYPES = ['Authentication', 'Offline'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
export const CERTIFICATE_STATES = ['enrolling', 'active', 'rejected', 'revoked'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

export type CertificateRow = {
  readonly id: string;
  readonly companyId: string;
  /** KSeF `certificateName` (with the wallet's intent nonce at its end). */
  readonly name: string;
  readonly certificateType: CertificateType;
  readonly algorithm: WrappedSigningKey['alg'];
  readonly state: CertificateState;
  readonly enrollmentReference?: string;
  readonly serialNumber?: string;
  readonly fingerprint?: string;
  readonly subject?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  /** The KSeF-issued certificate (public). */
  readonly certificateDer?: Uint8Array;
  readonly publicKeySpki: Uint8Array;
  /** Always wrapped under the record key; absent once an enrollment was rejected. */
  readonly wrappedKey?: WrappedSigningKey;
  readonly excludeFromBackup: Flag;
  readonly isDefault: Flag;
  readonly createdAt: number;
  readonly updatedAt: number;
};

export const TOKEN_STATUSES = ['Pending', 'Active', 'Revoking', 'Revoked', 'Failed'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];
export const TOKEN_PERMISSIONS = [
  'InvoiceRead',
  'InvoiceWrite',
  'CredentialsRead',
  'CredentialsManage',
  'SubunitManage',
  'EnforcementOperations',
  'Introspection',
] as const;
export type TokenPermission = (typeof TOKEN_PERMISSIONS)[number];

export type TokenRow = {
  readonly id: string;
  readonly companyId: string;
  readonly referenceNumber: string;
  readonly description: string;
  readonly permissions: readonly TokenPermission[];
  readonly status: TokenStatus;
  /** Sealed KSeF token secret (shown by KSeF once). */
  readonly secret: Uint8Array;
  readonly isDefault: Flag;
  readonly createdAt: number;
  readonly updatedAt: number;
};

export const SESSION_METHODS = [
  'signed-request',
  'ksef-certificate',
  'ksef-token',
  'test-certificate',
] as const;
export type SessionMethod = (typeof SESSION_METHODS)[number];
export const SESSION_STATES = ['active', 'ended', 'revoked'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export type SessionRow = {
  readonly id: string;
  readonly companyId: string;
  /** The authentication operation's reference number (REFERENCE.md §3.7). */
  readonly referenceNumber: string;
  readonly method: SessionMethod;
  readonly credentialId?: string;
  readonly startedAt: number;
  readonly accessValidUntil?: string;
  readonly refreshValidUntil?: string;
  /** Sealed refresh token; access tokens are never stored (memory only). */
  readonly refreshToken?: Uint8Array;
  /** The ERP origin a hand-off session went to. */
  readonly handedTo?: string;
  readonly state: SessionState;
  readonly updatedAt: number;
};

export const APPROVAL_STATES = ['active', 'needs-confirmation'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export type ApprovalRow = {
  readonly id: string;
  readonly origin: string;
  readonly companyId: string;
  readonly environment: EnvironmentId;
  readonly allowRefresh: boolean;
  readonly state: ApprovalState;
  readonly grantedAt: number;
  readonly updatedAt: number;
  /**
   * The ERP's egress IPv4 addresses the user entered with the approval (hand-off): sessions for
   * this origin are restricted to the browser's address plus these (SECURITY.md T7). MAC'd with
   * the rest; absent on approvals without addresses (their MAC is unchanged).
   */
  readonly erpAddresses?: readonly string[];
  /** HMAC under the approvals key: an approval edited on disk is no approval. */
  readonly mac: Uint8Array;
};

export const PENDING_KINDS = ['token', 'enrollment'] as const;
export type PendingKind = (typeof PENDING_KINDS)[number];
/**
 * Token:      intent → generated (secret stored, waiting for Active) → closed (row deleted)
 * Enrollment: key-ready (key wrapped, CSR built) → submitted (reference stored) → closed
 */
export const PENDING_STAGES = ['intent', 'generated', 'key-ready', 'submitted'] as const;
export type PendingStage = (typeof PENDING_STAGES)[number];

export type PendingRow = {
  readonly id: string;
  readonly kind: PendingKind;
  readonly stage: PendingStage;
  readonly companyId: string;
  /** Random nonce written into the token description or certificate name (SECURITY.md T12). */
  readonly nonce: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly tokenId?: string;
  readonly certificateId?: string;
  readonly referenceNumber?: string;
  readonly description?: string;
  readonly permissions?: readonly TokenPermission[];
  readonly certificateName?: string;
  readonly certificateType?: CertificateType;
  /** Sealed CSR (it carries the subject's name and PESEL), so a lost submission can be re-sent. */
  readonly csr?: Uint8Array;
};

export const ACTIVITY_KINDS = [
  'vault-created',
  'passphrase-changed',
  'vault-rekeyed',
  'company-added',
  'company-renamed',
  'company-removed',
  'login',
  'session-ended',
  'token-requested',
  'token-generated',
  'token-activated',
  'token-failed',
  'token-abandoned',
  'token-status',
  'token-removed',
  'token-revealed',
  'enrollment-prepared',
  'enrollment-submitted',
  'enrollment-completed',
  'enrollment-failed',
  'certificate-removed',
  'default-changed',
  'approval-granted',
  'approval-revoked',
  'approval-confirmed',
  'backup-exported',
  'backup-imported',
  'certificate-revoked',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export type ActivityDetail = Readonly<Record<string, string | number | boolean>>;

export type ActivityRow = {
  readonly id: string;
  /** 1, 2, 3, … without gaps: a missing number is a deleted entry. */
  readonly seq: number;
  readonly at: number;
  readonly kind: ActivityKind;
  /** Who: "user" (the wallet's own UI) or an ERP origin. */
  readonly actor: string;
  readonly companyId?: string;
  /** Non-secret facts (reference numbers, labels, counts) — never a secret. */
  readonly detail: ActivityDetail;
  /** HMAC-SHA-256(log key, previous mac ‖ this entry). */
  readonly mac: Uint8Array;
};

export type VaultSettings = { readonly idleMinutes: number };
export type LogHead = { readonly seq: number; readonly sealed: Uint8Array };

export type MetaRow =
  | { readonly key: 'keyring'; readonly value: VaultKeyring }
  | { readonly key: 'settings'; readonly value: VaultSettings }
  | { readonly key: 'log-head'; readonly value: LogHead };

export type { KdfParams };
