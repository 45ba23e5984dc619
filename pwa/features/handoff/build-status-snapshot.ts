/**
 * The non-secret status snapshot the wallet publishes to the extension (`wallet.snapshot`,
 * docs/wallet-extension-protocol.md §4), so that the popup shows the companies and their
 * credentials while the vault is locked and the network is off. Built only from what the vault
 * keeps in clear anyway (ARCHITECTURE.md "The vault"): names, NIPs, labels, statuses, validity
 * dates and the last login — never a secret, a key or a token.
 *
 * The extension refuses the whole snapshot if one text looks like a secret or holds control
 * characters (a guard against wallet bugs), so labels are cleaned here first: a label that still
 * looks like a secret is replaced by a neutral one rather than leaking or losing the snapshot.
 */
import {
  looksLikeSecret,
  SNAPSHOT_LIMITS,
  SNAPSHOT_VERSION,
  type SnapshotCompany,
  type SnapshotCredential,
  type StatusSnapshot,
} from '../../../shared/protocol/status-snapshot.ts';
import type { CertificateView, CompanyView, SessionView, TokenView } from '../../vault/vault-api.ts';

export type SnapshotSource = {
  readonly companies: readonly CompanyView[];
  readonly certificates: readonly CertificateView[];
  readonly tokens: readonly TokenView[];
  readonly sessions: readonly SessionView[];
};

const CONTROL = /\p{Cc}/gu;

/** Clear text for the popup, or the fallback when nothing presentable is left. */
function presentable(text: string | undefined, max: number, fallback: string): string {
  const cleaned = (text ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, max).trim();
  if (cleaned.length === 0 || looksLikeSecret(cleaned)) return fallback;
  return cleaned;
}

const epoch = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) && t >= 0 ? t : undefined;
};

function certificateCredential(c: CertificateView, now: number): SnapshotCredential {
  const validFrom = epoch(c.validFrom);
  const validUntil = epoch(c.validTo);
  const status: SnapshotCredential['status'] =
    c.state === 'enrolling'
      ? 'pending'
      : c.state === 'rejected'
        ? 'failed'
        : c.state === 'revoked'
          ? 'revoked'
          : validUntil !== undefined && validUntil <= now
            ? 'expired'
            : 'active';
  return {
    kind: 'ksef-certificate',
    label: presentable(c.name, 128, c.serialNumber ? `KSeF ${c.serialNumber}` : 'KSeF'),
    status,
    isDefault: c.isDefault === 1,
    ...(validFrom !== undefined ? { validFrom } : {}),
    ...(validUntil !== undefined ? { validUntil } : {}),
  };
}

function tokenCredential(t: TokenView): SnapshotCredential {
  const status: SnapshotCredential['status'] =
    t.status === 'Pending'
      ? 'pending'
      : t.status === 'Active'
        ? 'active'
        : t.status === 'Failed'
          ? 'failed'
          : 'revoked'; // Revoking, Revoked: no longer usable for a login
  return {
    kind: 'ksef-token',
    label: presentable(t.description, 128, `Token ${t.referenceNumber.slice(0, 20)}`),
    status,
    isDefault: t.isDefault === 1,
    validFrom: t.createdAt,
  };
}

/** Defaults first, then usable ones, then the rest; the newest first within each. */
const rank = (c: SnapshotCredential) => (c.isDefault ? 0 : c.status === 'active' ? 1 : 2);

export function buildStatusSnapshot(source: SnapshotSource, now: number): StatusSnapshot {
  const seen = new Set<string>();
  const companies: SnapshotCompany[] = [];
  for (const company of source.companies) {
    const key = `${company.environment}|${company.nip}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (companies.length >= SNAPSHOT_LIMITS.COMPANIES) break;
    const credentials = [
      ...source.certificates
        .filter((c) => c.companyId === company.id)
        .map((c) => ({ c: certificateCredential(c, now), at: c.updatedAt })),
      ...source.tokens
        .filter((t) => t.companyId === company.id)
        .map((t) => ({ c: tokenCredential(t), at: t.updatedAt })),
    ]
      .sort((a, b) => rank(a.c) - rank(b.c) || b.at - a.at)
      .slice(0, SNAPSHOT_LIMITS.CREDENTIALS_PER_COMPANY)
      .map((x) => x.c);
    const lastLoginAt = source.sessions
      .filter((s) => s.companyId === company.id)
      .reduce<number | undefined>(
        (max, s) => (max === undefined || s.startedAt > max ? s.startedAt : max),
        undefined,
      );
    companies.push({
      nip: company.nip,
      name: presentable(company.name, 256, company.nip),
      environment: company.environment,
      credentials,
      ...(lastLoginAt !== undefined ? { lastLoginAt } : {}),
    });
  }
  return { v: SNAPSHOT_VERSION, publishedAt: now, companies };
}
