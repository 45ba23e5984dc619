import { describe, expect, it } from 'vitest';
import { type CompanyStatusView, needsAttention } from '../../../pwa/features/attention/needs-attention.ts';
import { TOKEN_SUNSET_POLICY } from '../../../pwa/features/token-sunset/token-sunset-policy.ts';

const NOW = Date.parse('2026-11-25T09:00:00Z');

const company = (over: Partial<CompanyStatusView>): CompanyStatusView => ({
  id: 'c1',
  name: 'Firma Testowa sp. z o.o.',
  nip: '5265877635',
  certificates: [],
  reliesOnKsefToken: false,
  ...over,
});

describe('what needs attention', () => {
  it('is empty for a company with a long-valid certificate and no token', () => {
    const c = company({ certificates: [{ id: 'k', label: 'Główny', validTo: '2028-01-01T00:00:00Z' }] });
    expect(needsAttention([c], NOW, TOKEN_SUNSET_POLICY)).toEqual([]);
  });

  it('flags a certificate within 30 days of validTo, but not one 31 days away', () => {
    const c = company({
      certificates: [
        { id: 'a', label: 'A', validTo: '2026-12-25T12:00:00Z' },
        { id: 'b', label: 'B', validTo: '2026-12-26T12:00:00Z' },
      ],
    });
    expect(needsAttention([c], NOW, TOKEN_SUNSET_POLICY)).toEqual([
      {
        kind: 'certificate-expiring',
        companyId: 'c1',
        company: 'Firma Testowa sp. z o.o.',
        label: 'A',
        date: '2026-12-25',
        daysLeft: 30,
      },
    ]);
  });

  it('reports an expired certificate before everything else', () => {
    const c = company({
      reliesOnKsefToken: true,
      certificates: [{ id: 'a', label: 'Stary', validTo: '2026-11-20T00:00:00Z' }],
    });
    const items = needsAttention([c], NOW, TOKEN_SUNSET_POLICY);
    expect(items.map((i) => i.kind)).toEqual(['certificate-expired', 'token-sunset']);
  });

  it('shows the days left under current rules for every company that relies on a token', () => {
    const items = needsAttention(
      [company({ id: 'x', name: 'X', reliesOnKsefToken: true }), company({ id: 'y', name: 'Y' })],
      NOW,
      TOKEN_SUNSET_POLICY,
    );
    expect(items).toEqual([
      { kind: 'token-sunset', companyId: 'x', company: 'X', date: '2026-12-31', daysLeft: 36 },
    ]);
  });

  it('says the token era has ended after the last day', () => {
    const items = needsAttention(
      [company({ reliesOnKsefToken: true })],
      Date.parse('2027-01-02T09:00:00Z'),
      TOKEN_SUNSET_POLICY,
    );
    expect(items).toMatchObject([{ kind: 'token-sunset-passed', date: '2027-01-01' }]);
  });

  it('warns about a refresh token that expires soon, and one that has expired', () => {
    const soon = company({ id: 's', name: 'S', refreshTokenValidUntil: '2026-11-26T10:00:00Z' });
    const gone = company({ id: 'g', name: 'G', refreshTokenValidUntil: '2026-11-25T08:00:00Z' });
    const later = company({ id: 'l', name: 'L', refreshTokenValidUntil: '2026-12-20T10:00:00Z' });
    expect(
      needsAttention([soon, gone, later], NOW, TOKEN_SUNSET_POLICY).map((i) => [i.kind, i.companyId]),
    ).toEqual([
      ['refresh-expired', 'g'],
      ['refresh-expiring', 's'],
    ]);
  });

  it('ignores dates it cannot read instead of failing', () => {
    const c = company({
      certificates: [{ id: 'a', label: 'A', validTo: 'not a date' }],
      refreshTokenValidUntil: '?',
    });
    expect(needsAttention([c], NOW, TOKEN_SUNSET_POLICY)).toEqual([]);
  });
});
