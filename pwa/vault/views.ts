/** Rows → what leaves the vault: secrets, wrapped keys and MACs are never part of a view. */
import type { RecordBinding, SealedTable } from '../../shared/crypto/sealed-field.ts';
import type {
  ActivityRow,
  ApprovalRow,
  CertificateRow,
  CompanyRow,
  PendingRow,
  SessionRow,
  TokenRow,
} from './records.ts';
import type {
  ActivityView,
  ApprovalView,
  CertificateView,
  PendingView,
  SessionView,
  TokenView,
} from './vault-api.ts';

export function certificateView(r: CertificateRow): CertificateView {
  const { wrappedKey, certificateDer, ...rest } = r;
  return { ...rest, hasPrivateKey: wrappedKey !== undefined, hasCertificate: certificateDer !== undefined };
}
export function tokenView(r: TokenRow): TokenView {
  const { secret: _secret, ...rest } = r;
  return rest;
}
export function sessionView(r: SessionRow): SessionView {
  const { refreshToken, ...rest } = r;
  return { ...rest, hasRefreshToken: refreshToken !== undefined };
}
export function approvalView(r: ApprovalRow): ApprovalView {
  const { mac: _mac, ...rest } = r;
  return rest;
}
export function pendingView(r: PendingRow): PendingView {
  const { csr, ...rest } = r;
  return { ...rest, hasCsr: csr !== undefined };
}
export function activityView(r: ActivityRow): ActivityView {
  const { mac: _mac, ...rest } = r;
  return rest;
}

/** Where a sealed field of a company's record belongs (FORMAT.md §4). */
export function bindingOf(
  vaultId: string,
  table: SealedTable,
  recordId: string,
  field: string,
  company: Pick<CompanyRow, 'id' | 'environment'>,
): RecordBinding {
  return { vaultId, table, recordId, field, companyId: company.id, environment: company.environment };
}
