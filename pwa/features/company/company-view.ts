/**
 * What the company screen, the companies panel and the start screen show of one company: the clear
 * (non-secret) metadata the vault keeps readable while locked and offline, summed up — its status
 * badge, whether it relies on a KSeF token (the token sunset), its certificates' expiry, its
 * current session. Pure: lists and the clock come in.
 */

import { parseKsefDateTime } from '../../../shared/ksef/response-schemas.ts';
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import { canLogInWithCertificate } from '../../flows/certificate-login.ts';
import type {
  CertificateView,
  CompanyView as CompanyRow,
  SessionView,
  TokenView,
} from '../../vault/vault-api.ts';
import type { CompanyStatusView } from '../attention/needs-attention.ts';
import { ATTENTION_WINDOWS } from '../attention/needs-attention.ts';
import type { CompanyStatus } from '../companies/companies-panel.tsx';

export type CompanyView = CompanyStatusView & {
  readonly environment: EnvironmentId;
  readonly status: CompanyStatus;
  /** The company's default KSeF certificate that can log in, if any. */
  readonly defaultCertificateId?: string;
  /** The company's default KSeF token (Active), if any. */
  readonly defaultTokenId?: string;
  /** The newest active session the wallet started for itself (not one handed to an ERP). */
  readonly currentSession?: SessionView;
  readonly counts: { readonly certificates: number; readonly tokens: number };
};

/** The self-signed test certificate is accepted only where KSeF accepts self-issued certificates. */
export function allowsTestCertificate(env: EnvironmentId): boolean {
  return env === 'TEST' || env.startsWith('custom:');
}

const DAY_MS = 86_400_000;
const ms = (iso: string | undefined) => (iso ? parseKsefDateTime(iso) : Number.NaN);

/** A certificate the key worker will log in with (the Default column, "Zaloguj certyfikatem KSeF"). */
export const canLogIn = canLogInWithCertificate;

/** A session the wallet can still use: active, its own, its refresh token not expired. */
export function isLiveSession(s: SessionView, nowMs: number): boolean {
  return (
    s.state === 'active' &&
    s.handedTo === undefined &&
    (ms(s.refreshValidUntil) > nowMs || ms(s.accessValidUntil) > nowMs)
  );
}

export function buildCompanyView(
  company: CompanyRow,
  lists: {
    readonly certificates: readonly CertificateView[];
    readonly tokens: readonly TokenView[];
    readonly sessions: readonly SessionView[];
  },
  nowMs: number,
): CompanyView {
  const certificates = lists.certificates.filter((c) => c.companyId === company.id);
  const tokens = lists.tokens.filter((t) => t.companyId === company.id);
  const sessions = lists.sessions.filter((s) => s.companyId === company.id);
  const defaultCertificate = certificates.find((c) => c.isDefault === 1 && canLogIn(c));
  const defaultToken = tokens.find((t) => t.isDefault === 1 && t.status === 'Active');
  const activeTokens = tokens.filter((t) => t.status === 'Active');
  const currentSession = sessions.find((s) => isLiveSession(s, nowMs));
  // Relies on a token: logs in with one, and has no certificate to fall back on.
  const reliesOnKsefToken = !defaultCertificate && (defaultToken !== undefined || activeTokens.length > 0);
  const shown = certificates.filter((c) => c.state === 'active' && c.validTo);
  const expiring = shown.some((c) => ms(c.validTo) - nowMs <= ATTENTION_WINDOWS.CERTIFICATE_DAYS * DAY_MS);
  const refreshValidUntil = currentSession?.refreshValidUntil;
  const status: CompanyStatus = expiring
    ? 'attention'
    : currentSession
      ? 'session'
      : defaultCertificate || defaultToken
        ? reliesOnKsefToken
          ? 'attention'
          : 'ready'
        : 'no-credential';
  return {
    id: company.id,
    name: company.name,
    nip: company.nip,
    environment: company.environment,
    status,
    certificates: shown.map((c) => ({ id: c.id, label: c.name, validTo: c.validTo! })),
    ...(refreshValidUntil ? { refreshTokenValidUntil: refreshValidUntil } : {}),
    reliesOnKsefToken,
    ...(defaultCertificate ? { defaultCertificateId: defaultCertificate.id } : {}),
    ...(defaultToken ? { defaultTokenId: defaultToken.id } : {}),
    ...(currentSession ? { currentSession } : {}),
    counts: { certificates: certificates.length, tokens: tokens.length },
  };
}
