/**
 * The status snapshot the wallet publishes for the popup: built from the vault's clear metadata,
 * accepted by the extension's strict schema (which refuses the whole snapshot for one secret-looking
 * label), and carrying nothing secret even when a label is hostile.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { buildStatusSnapshot } from '../../../pwa/features/handoff/build-status-snapshot.ts';
import type { CertificateView, CompanyView, SessionView, TokenView } from '../../../pwa/vault/vault-api.ts';
import { SNAPSHOT_LIMITS, StatusSnapshotSchema } from '../../../shared/protocol/status-snapshot.ts';

const NOW = Date.UTC(2026, 10, 25, 9);
const DAY = 86_400_000;

const company = (id: string, nip: string, name = `Firma ${id}`): CompanyView => ({
  id,
  name,
  nip,
  environment: 'TEST',
  createdAt: NOW - 10 * DAY,
  updatedAt: NOW - 10 * DAY,
});

const certificate = (companyId: string, over: Partial<CertificateView> = {}): CertificateView => ({
  id: `cert-${Math.random()}`,
  companyId,
  name: 'Certyfikat uwierzytelniający 2026 k7Q2',
  certificateType: 'Authentication',
  algorithm: 'ECDSA-P256',
  state: 'active',
  serialNumber: '01F3A2',
  validFrom: new Date(NOW - 30 * DAY).toISOString(),
  validTo: new Date(NOW + 300 * DAY).toISOString(),
  publicKeySpki: new Uint8Array([1, 2, 3]),
  excludeFromBackup: 0,
  isDefault: 1,
  createdAt: NOW - 30 * DAY,
  updatedAt: NOW - 30 * DAY,
  hasPrivateKey: true,
  hasCertificate: true,
  ...over,
});

const token = (companyId: string, over: Partial<TokenView> = {}): TokenView => ({
  id: `tok-${Math.random()}`,
  companyId,
  referenceNumber: '20261120-EC-1A2B3C4D5E-6F7A8B9C0D-AB',
  description: 'ERP — faktury',
  permissions: ['InvoiceRead', 'InvoiceWrite'],
  status: 'Active',
  isDefault: 0,
  createdAt: NOW - 5 * DAY,
  updatedAt: NOW - 5 * DAY,
  ...over,
});

const session = (companyId: string, startedAt: number): SessionView => ({
  id: `s-${startedAt}`,
  companyId,
  referenceNumber: '20261125-AU-1A2B3C4D5E-6F7A8B9C0D-AB',
  method: 'ksef-token',
  startedAt,
  state: 'active',
  updatedAt: startedAt,
  hasRefreshToken: true,
});

const JWT = `eyJhbGciOiJIUzI1NiJ9.${'eyJzdWIiOiIxMjM0NTY3ODkwIn0'}.c2lnbmF0dXJl`;
const KSEF_SECRET = `20261120-EC-1A2B3C4D5E-6F7A8B9C0D-AB|nip-5250001233|${'a'.repeat(64)}`;

describe('status snapshot for the popup', () => {
  it('lists each company with its credentials, statuses, validity and last login, and passes the extension schema', () => {
    const a = company('a', '5250001233', 'Przykładowa Spółka z o.o.');
    const snap = buildStatusSnapshot(
      {
        companies: [a],
        certificates: [
          certificate('a'),
          certificate('a', { isDefault: 0, state: 'enrolling', validFrom: undefined, validTo: undefined }),
          certificate('a', { isDefault: 0, validTo: new Date(NOW - DAY).toISOString() }),
          certificate('a', { isDefault: 0, state: 'rejected' }),
        ],
        tokens: [token('a'), token('a', { status: 'Revoking' }), token('a', { status: 'Pending' })],
        sessions: [session('a', NOW - 3 * DAY), session('a', NOW - DAY)],
      },
      NOW,
    );
    expect(v.safeParse(StatusSnapshotSchema, snap).success).toBe(true);
    expect(snap).toMatchObject({ v: 1, publishedAt: NOW });
    const [c] = snap.companies;
    expect(c).toMatchObject({
      nip: '5250001233',
      name: 'Przykładowa Spółka z o.o.',
      environment: 'TEST',
      lastLoginAt: NOW - DAY,
    });
    expect(c!.credentials[0]).toMatchObject({
      kind: 'ksef-certificate',
      isDefault: true,
      status: 'active',
      validUntil: NOW + 300 * DAY,
    });
    expect(c!.credentials.map((x) => `${x.kind}:${x.status}`).sort()).toEqual(
      [
        'ksef-certificate:active',
        'ksef-certificate:pending',
        'ksef-certificate:expired',
        'ksef-certificate:failed',
        'ksef-token:active',
        'ksef-token:revoked',
        'ksef-token:pending',
      ].sort(),
    );
  });

  it('never carries a secret-looking label or control characters, and still publishes the rest', () => {
    const a = company('a', '5250001233', `Firma\u0000\u0007 ${'x'.repeat(400)}`);
    const snap = buildStatusSnapshot(
      {
        companies: [a],
        certificates: [certificate('a', { name: `-----BEGIN PRIVATE KEY-----abc` })],
        tokens: [
          token('a', { description: `kopiuj: ${KSEF_SECRET}` }),
          token('a', { description: JWT }),
          token('a', { description: '\n\t ' }),
        ],
        sessions: [],
      },
      NOW,
    );
    expect(v.safeParse(StatusSnapshotSchema, snap).success).toBe(true);
    const text = JSON.stringify(snap);
    expect(text).not.toContain('a'.repeat(64));
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('PRIVATE KEY');
    expect(snap.companies[0]!.name.length).toBeLessThanOrEqual(256);
    expect(snap.companies[0]!.name.startsWith('Firma')).toBe(true);
    expect(snap.companies[0]!.credentials).toHaveLength(4);
  });

  it('keeps within the caps: one entry per company, at most 1000 companies and 50 credentials each', () => {
    const companies = Array.from({ length: 1005 }, (_, i) =>
      company(`c${i}`, String(5250001233 + i * 0).replace(/^/, ''), `Firma ${i}`),
    ).map((c, i) => ({ ...c, nip: `52500${String(10000 + i).slice(-5)}` }));
    const twin = { ...companies[0]!, id: 'twin' };
    const snap = buildStatusSnapshot(
      {
        companies: [...companies, twin],
        certificates: Array.from({ length: 60 }, (_, i) =>
          certificate('c0', { isDefault: i === 59 ? 1 : 0 }),
        ),
        tokens: [],
        sessions: [],
      },
      NOW,
    );
    expect(v.safeParse(StatusSnapshotSchema, snap).success).toBe(true);
    expect(snap.companies).toHaveLength(SNAPSHOT_LIMITS.COMPANIES);
    expect(snap.companies[0]!.credentials).toHaveLength(SNAPSHOT_LIMITS.CREDENTIALS_PER_COMPANY);
    // The default survives the cut: the popup's one-click login uses it.
    expect(snap.companies[0]!.credentials[0]!.isDefault).toBe(true);
  });
});
