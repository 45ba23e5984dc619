/**
 * The company summary the panel, the badges and the start screen read from the vault's clear
 * metadata: which status badge, whether the company relies on a KSeF token (the sunset), which
 * credentials log in by default, and how far it is on the path to a KSeF certificate.
 */
import { describe, expect, it } from 'vitest';
import { buildCompanyView, canLogIn } from '../../../pwa/features/company/company-view.ts';
import { migrationProgress } from '../../../pwa/features/company/migration-progress.ts';
import type { CertificateView, CompanyView, SessionView, TokenView } from '../../../pwa/vault/vault-api.ts';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

const company: CompanyView = {
  id: 'c1',
  name: 'Firma',
  nip: '5265877635',
  environment: 'TEST',
  createdAt: NOW,
  updatedAt: NOW,
};
const cert = (over: Partial<CertificateView> = {}): CertificateView => ({
  id: 'k1',
  companyId: 'c1',
  name: 'Logowanie KW-0123456789ab',
  certificateType: 'Authentication',
  algorithm: 'ECDSA-P256',
  state: 'active',
  serialNumber: '0123456789ABCDEF',
  validFrom: iso(NOW - DAY),
  validTo: iso(NOW + 400 * DAY),
  publicKeySpki: new Uint8Array(0),
  excludeFromBackup: 0,
  isDefault: 1,
  createdAt: NOW,
  updatedAt: NOW,
  hasPrivateKey: true,
  hasCertificate: true,
  ...over,
});
const token = (over: Partial<TokenView> = {}): TokenView => ({
  id: 't1',
  companyId: 'c1',
  referenceNumber: '20261201-EC-0000000000-0000000000-00',
  description: 'ERP KW-0123456789ab',
  permissions: ['InvoiceRead'],
  status: 'Active',
  isDefault: 1,
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});
const session = (over: Partial<SessionView> = {}): SessionView => ({
  id: 's1',
  companyId: 'c1',
  referenceNumber: '20261201-AU-0000000000-0000000000-00',
  method: 'test-certificate',
  startedAt: NOW - 60_000,
  accessValidUntil: iso(NOW + 10 * 60_000),
  refreshValidUntil: iso(NOW + 7 * DAY),
  state: 'active',
  updatedAt: NOW,
  hasRefreshToken: true,
  ...over,
});
const view = (l: { certificates?: CertificateView[]; tokens?: TokenView[]; sessions?: SessionView[] }) =>
  buildCompanyView(company, { certificates: [], tokens: [], sessions: [], ...l }, NOW);

describe('company summary', () => {
  it('has no credential at first, then is ready with a default certificate, and shows a live session', () => {
    expect(view({}).status).toBe('no-credential');
    expect(view({ certificates: [cert()] })).toMatchObject({ status: 'ready', defaultCertificateId: 'k1' });
    expect(view({ certificates: [cert()], sessions: [session()] })).toMatchObject({
      status: 'session',
      currentSession: { id: 's1' },
    });
  });

  it('relies on a KSeF token only when no certificate can log in, and then needs attention (the sunset)', () => {
    expect(view({ tokens: [token()] })).toMatchObject({ reliesOnKsefToken: true, status: 'attention' });
    expect(view({ tokens: [token()], certificates: [cert()] }).reliesOnKsefToken).toBe(false);
    expect(
      view({ tokens: [token()], certificates: [cert({ certificateType: 'Offline' })] }).reliesOnKsefToken,
    ).toBe(true);
    expect(view({ tokens: [token({ status: 'Revoked', isDefault: 0 })] }).reliesOnKsefToken).toBe(false);
  });

  it('flags a certificate within 30 days of validTo, and never counts sessions handed to an ERP or expired', () => {
    expect(view({ certificates: [cert({ validTo: iso(NOW + 20 * DAY) })] }).status).toBe('attention');
    expect(view({ sessions: [session({ handedTo: 'https://erp.example' })] }).currentSession).toBeUndefined();
    expect(
      view({ sessions: [session({ refreshValidUntil: iso(NOW - 1), accessValidUntil: iso(NOW - 1) })] })
        .currentSession,
    ).toBeUndefined();
  });

  it('logs in only with a retrieved Authentication certificate that has its key', () => {
    expect(canLogIn(cert())).toBe(true);
    expect(canLogIn(cert({ hasCertificate: false, state: 'enrolling' }))).toBe(false);
    expect(canLogIn(cert({ hasPrivateKey: false }))).toBe(false);
    expect(canLogIn(cert({ certificateType: 'Offline' }))).toBe(false);
  });

  it('follows the path from a token to a KSeF certificate step by step', () => {
    expect(migrationProgress({ certificates: [], tokens: [token()], sessions: [] })).toEqual({
      signedIn: false,
      enrolled: false,
      retrieved: false,
      isDefault: false,
      tokensRevoked: false,
    });
    const enrolling = cert({ state: 'enrolling', hasCertificate: false, isDefault: 0 });
    expect(
      migrationProgress({ certificates: [enrolling], tokens: [token()], sessions: [session()] }),
    ).toMatchObject({
      signedIn: true,
      enrolled: true,
      retrieved: false,
    });
    expect(
      migrationProgress({
        certificates: [cert()],
        tokens: [token({ status: 'Revoked' })],
        sessions: [session({ method: 'ksef-token' })],
      }),
    ).toEqual({ signedIn: false, enrolled: true, retrieved: true, isDefault: true, tokensRevoked: true });
  });
});
