/**
 * The vault's one narrow interface (STYLE.md §1). The same interface is implemented twice: by
 * `VaultService` (inside the key worker, or in Node tests over fake-indexeddb) and by
 * `VaultClient` (in a page, over a MessagePort to the key worker). Everything here is plain data
 * that survives structured cloning; no method returns a key, and secrets come back only where a
 * user re-entered the passphrase for it (reveal) or as the export file (itself encrypted).
 *
 * Readable while locked: status, lists of companies, certificates, tokens, sessions, approvals,
 * pending work and the activity log (the offline view, the extension's status snapshot). Anything
 * that writes or opens a secret needs the vault unlocked.
 */
import type { KdfParams } from '../../shared/crypto/kdf.ts';
import type { LockReason } from '../../shared/domain/lock-policy.ts';
import type { PassphraseStrength } from '../../shared/domain/passphrase-strength.ts';
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { VaultResult } from './errors.ts';
import type {
  ActivityKind,
  ActivityRow,
  ApprovalRow,
  CertificateRow,
  CertificateType,
  CompanyRow,
  PendingRow,
  SessionMethod,
  SessionRow,
  SessionState,
  TokenPermission,
  TokenRow,
  TokenStatus,
} from './records.ts';

export type VaultState = 'absent' | 'locked' | 'unlocked';

export type VaultStatus = {
  readonly state: VaultState;
  readonly vaultId?: string;
  readonly schemaVersion: number;
  readonly idleMinutes: number;
  readonly unlockedAt?: number;
  /** When the vault will lock itself if nothing else happens, and why. */
  readonly lockAt?: number;
  readonly lockAtReason?: 'idle' | 'max-age';
  readonly lastLockReason?: LockReason;
  readonly kdf?: Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'> & {
    readonly belowRecommended: boolean;
  };
};

export type CompanyView = CompanyRow;
export type CertificateView = Omit<CertificateRow, 'wrappedKey' | 'certificateDer'> & {
  readonly hasPrivateKey: boolean;
  readonly hasCertificate: boolean;
};
export type TokenView = Omit<TokenRow, 'secret'>;
export type SessionView = Omit<SessionRow, 'refreshToken'> & { readonly hasRefreshToken: boolean };
export type ApprovalView = Omit<ApprovalRow, 'mac'>;
export type PendingView = Omit<PendingRow, 'csr'> & { readonly hasCsr: boolean };
export type ActivityView = Omit<ActivityRow, 'mac'>;

export type ActivityCheck = {
  readonly state: 'intact' | 'tampered';
  readonly entries: number;
  /** The first entry whose chain link does not verify (or where an entry is missing). */
  readonly firstBadSeq?: number;
};

export type CreateVaultInput = {
  readonly passphrase: string;
  readonly idleMinutes?: number;
  /** Only for tests and very weak hardware; the default is 64 MiB/t3/p4. */
  readonly kdf?: KdfParams;
};

export type AddCompanyInput = {
  readonly name: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
};

export type BeginTokenInput = {
  readonly companyId: string;
  readonly description: string;
  readonly permissions: readonly TokenPermission[];
};
export type BegunToken = {
  readonly pendingId: string;
  readonly nonce: string;
  /** Send exactly this to `POST /tokens`: the description with the intent nonce appended. */
  readonly description: string;
};
export type TokenGeneratedInput = {
  readonly pendingId: string;
  readonly referenceNumber: string;
  readonly secret: string;
};

export type PrepareEnrollmentInput = {
  readonly companyId: string;
  readonly certificateName: string;
  readonly certificateType: CertificateType;
  readonly algorithm: 'RSA-2048' | 'ECDSA-P256';
  /** `GET /certificates/enrollments/data`, verbatim: the CSR carries exactly this DN. */
  readonly enrollmentData: Readonly<Record<string, string | null | undefined>>;
};
export type PreparedEnrollment = {
  readonly pendingId: string;
  readonly certificateId: string;
  /** Send exactly this as `certificateName` (it ends with the intent nonce). */
  readonly certificateName: string;
  readonly certificateType: CertificateType;
  /** DER PKCS#10 (send Base64 of it as `csr`). */
  readonly csr: Uint8Array;
};

export type RecordSessionInput = {
  readonly companyId: string;
  readonly referenceNumber: string;
  readonly method: SessionMethod;
  readonly credentialId?: string;
  readonly accessValidUntil?: string;
  readonly refreshValidUntil?: string;
  readonly refreshToken?: string;
  readonly handedTo?: string;
};

export type GrantApprovalInput = {
  readonly origin: string;
  readonly companyId: string;
  readonly allowRefresh: boolean;
  /** The ERP's egress IPv4 addresses for the hand-off's IP policy (at most 9; optional). */
  readonly erpAddresses?: readonly string[];
  readonly passphrase: string;
};

export type ExportBackupInput = {
  /** The vault passphrase, re-entered (SECURITY.md §4: export needs it). */
  readonly passphrase: string;
  /** The backup's own passphrase (never the vault's data key). */
  readonly backupPassphrase: string;
  /** One company, or every company when absent. */
  readonly companyId?: string;
  readonly kdf?: KdfParams;
};
export type ExportedBackup = {
  readonly file: Uint8Array;
  readonly fileName: string;
  readonly companies: number;
  readonly certificates: number;
  readonly keysExcluded: number;
  readonly tokens: number;
};

export type MergeAction = 'add' | 'same' | 'update' | 'keep-newer-in-vault';
export type BackupPreviewItem = {
  readonly table: 'companies' | 'certificates' | 'tokens' | 'approvals';
  readonly id: string;
  readonly label: string;
  readonly companyName: string;
  readonly action: MergeAction;
  readonly backupUpdatedAt: number;
  readonly vaultUpdatedAt?: number;
};
export type BackupPreview = {
  readonly exportedAt: number;
  readonly sourceVaultId: string;
  readonly kdfBelowRecommended: boolean;
  readonly items: readonly BackupPreviewItem[];
  readonly counts: Readonly<Record<MergeAction, number>>;
};
export type ImportBackupInput = {
  readonly file: Uint8Array;
  readonly backupPassphrase: string;
  /** Ids of records the user chose to take from the backup even though the vault's copy is newer. */
  readonly replaceNewer?: readonly string[];
};
export type ImportReport = {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly keptNewer: number;
  /** Imported approvals wait to be confirmed one by one (SECURITY.md §3.7). */
  readonly approvalsToConfirm: number;
};

export type Vault = {
  status(): Promise<VaultStatus>;
  create(input: CreateVaultInput): Promise<VaultResult<VaultStatus>>;
  unlock(passphrase: string): Promise<VaultResult<VaultStatus>>;
  lock(reason: LockReason): Promise<VaultStatus>;
  /** The user did something: restarts the idle timer (no effect while locked). */
  touch(): Promise<void>;
  setIdleMinutes(minutes: number): Promise<VaultResult<VaultStatus>>;
  changePassphrase(input: { current: string; next: string }): Promise<VaultResult<VaultStatus>>;
  /** New data key, every record re-encrypted (after a suspected leak). */
  rekey(passphrase: string): Promise<VaultResult<VaultStatus>>;
  estimatePassphrase(passphrase: string): Promise<PassphraseStrength>;

  listCompanies(): Promise<readonly CompanyView[]>;
  addCompany(input: AddCompanyInput): Promise<VaultResult<CompanyView>>;
  renameCompany(input: { companyId: string; name: string }): Promise<VaultResult<CompanyView>>;
  removeCompany(input: { companyId: string }): Promise<VaultResult<{ removed: number }>>;

  listCertificates(companyId?: string): Promise<readonly CertificateView[]>;
  prepareEnrollment(input: PrepareEnrollmentInput): Promise<VaultResult<PreparedEnrollment>>;
  recordEnrollmentSubmitted(input: {
    pendingId: string;
    referenceNumber: string;
  }): Promise<VaultResult<PendingView>>;
  completeEnrollment(input: {
    pendingId: string;
    certificateDer: Uint8Array;
  }): Promise<VaultResult<CertificateView>>;
  failEnrollment(input: { pendingId: string; statusCode?: number }): Promise<VaultResult<CertificateView>>;
  setDefaultCertificate(input: { certificateId: string }): Promise<VaultResult<CertificateView>>;
  setCertificateExcludedFromBackup(input: {
    certificateId: string;
    excluded: boolean;
  }): Promise<VaultResult<CertificateView>>;
  removeCertificate(input: { certificateId: string }): Promise<VaultResult<{ removed: number }>>;

  listTokens(companyId?: string): Promise<readonly TokenView[]>;
  beginTokenGeneration(input: BeginTokenInput): Promise<VaultResult<BegunToken>>;
  recordTokenGenerated(input: TokenGeneratedInput): Promise<VaultResult<TokenView>>;
  completeTokenActivation(input: { pendingId: string; status: TokenStatus }): Promise<VaultResult<TokenView>>;
  abandonTokenGeneration(input: { pendingId: string }): Promise<VaultResult<{ removed: number }>>;
  updateTokenStatus(input: { tokenId: string; status: TokenStatus }): Promise<VaultResult<TokenView>>;
  setDefaultToken(input: { tokenId: string }): Promise<VaultResult<TokenView>>;
  revealTokenSecret(input: { tokenId: string; passphrase: string }): Promise<VaultResult<string>>;
  removeToken(input: { tokenId: string }): Promise<VaultResult<{ removed: number }>>;

  listSessions(companyId?: string): Promise<readonly SessionView[]>;
  recordSession(input: RecordSessionInput): Promise<VaultResult<SessionView>>;
  endSession(input: {
    sessionId: string;
    state: Exclude<SessionState, 'active'>;
  }): Promise<VaultResult<SessionView>>;

  listApprovals(): Promise<readonly ApprovalView[]>;
  grantApproval(input: GrantApprovalInput): Promise<VaultResult<ApprovalView>>;
  confirmApproval(input: { approvalId: string; passphrase: string }): Promise<VaultResult<ApprovalView>>;
  revokeApproval(input: { approvalId: string }): Promise<VaultResult<{ removed: number }>>;
  /** Is this exact origin approved for this company? Verifies the approval's MAC (needs unlock). */
  checkApproval(input: {
    origin: string;
    companyId: string;
  }): Promise<VaultResult<{ approved: boolean; allowRefresh: boolean; erpAddresses?: readonly string[] }>>;

  /** What a crash or a closed tab left unfinished, to resume on the next start. */
  pendingWork(): Promise<readonly PendingView[]>;

  listActivity(input?: { limit?: number; beforeSeq?: number }): Promise<readonly ActivityView[]>;
  verifyActivity(): Promise<VaultResult<ActivityCheck>>;

  exportBackup(input: ExportBackupInput): Promise<VaultResult<ExportedBackup>>;
  previewBackup(input: { file: Uint8Array; backupPassphrase: string }): Promise<VaultResult<BackupPreview>>;
  importBackup(input: ImportBackupInput): Promise<VaultResult<ImportReport>>;
};

export type VaultEvent =
  | { readonly type: 'locked'; readonly reason: LockReason }
  | { readonly type: 'unlocked' }
  | { readonly type: 'changed' };

export type { ActivityKind, TokenPermission, TokenStatus };
