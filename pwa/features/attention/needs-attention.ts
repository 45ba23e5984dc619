/**
 * "What needs attention": the start screen's summary, computed from the clear (non-secret)
 * metadata the vault keeps readable while locked and offline (ARCHITECTURE.md "The vault"). Pure:
 * the clock and the token-sunset policy are passed in.
 */
import type { TokenSunsetPolicy } from '../token-sunset/token-sunset-policy.ts';
import { daysBetween, polishDate, tokenSunsetStatus } from '../token-sunset/token-sunset-status.ts';

/** Certificates are flagged this many days before `validTo` (issue 8, SECURITY.md). */
export const ATTENTION_WINDOWS = Object.freeze({ CERTIFICATE_DAYS: 30, REFRESH_TOKEN_DAYS: 2 });

export type CompanyStatusView = {
  readonly id: string;
  readonly name: string;
  readonly nip: string;
  /** Active KSeF certificates held for this company (revoked ones are not listed). */
  readonly certificates: readonly { readonly id: string; readonly label: string; readonly validTo: string }[];
  /** Expiry of the stored refresh token, ISO date-time, when one is kept. */
  readonly refreshTokenValidUntil?: string;
  /** True when the company logs in with a KSeF token (its default credential, or its only one). */
  readonly reliesOnKsefToken: boolean;
};

export type AttentionItem =
  | {
      readonly kind: 'certificate-expiring' | 'certificate-expired';
      readonly companyId: string;
      readonly company: string;
      readonly label: string;
      readonly date: string;
      readonly daysLeft: number;
    }
  | {
      readonly kind: 'refresh-expiring' | 'refresh-expired';
      readonly companyId: string;
      readonly company: string;
      readonly date: string;
      readonly daysLeft: number;
    }
  | {
      readonly kind: 'token-sunset' | 'token-sunset-passed';
      readonly companyId: string;
      readonly company: string;
      readonly date: string;
      readonly daysLeft: number;
    };

export function needsAttention(
  companies: readonly CompanyStatusView[],
  nowMs: number,
  policy: TokenSunsetPolicy,
): AttentionItem[] {
  const today = polishDate(nowMs);
  const items: AttentionItem[] = [];
  for (const c of companies) {
    const company = c.name || c.nip;
    for (const cert of c.certificates) {
      const validToMs = Date.parse(cert.validTo);
      if (Number.isNaN(validToMs)) continue;
      const date = polishDate(validToMs);
      const daysLeft = daysBetween(today, date);
      if (validToMs <= nowMs) {
        items.push({
          kind: 'certificate-expired',
          companyId: c.id,
          company,
          label: cert.label,
          date,
          daysLeft,
        });
      } else if (daysLeft <= ATTENTION_WINDOWS.CERTIFICATE_DAYS) {
        items.push({
          kind: 'certificate-expiring',
          companyId: c.id,
          company,
          label: cert.label,
          date,
          daysLeft,
        });
      }
    }
    if (c.refreshTokenValidUntil) {
      const untilMs = Date.parse(c.refreshTokenValidUntil);
      if (!Number.isNaN(untilMs)) {
        const date = polishDate(untilMs);
        const daysLeft = daysBetween(today, date);
        if (untilMs <= nowMs)
          items.push({ kind: 'refresh-expired', companyId: c.id, company, date, daysLeft });
        else if (daysLeft <= ATTENTION_WINDOWS.REFRESH_TOKEN_DAYS)
          items.push({ kind: 'refresh-expiring', companyId: c.id, company, date, daysLeft });
      }
    }
    if (c.reliesOnKsefToken) {
      const s = tokenSunsetStatus(nowMs, policy);
      items.push(
        s.kind === 'before'
          ? { kind: 'token-sunset', companyId: c.id, company, date: s.lastDay, daysLeft: s.daysLeft }
          : {
              kind: 'token-sunset-passed',
              companyId: c.id,
              company,
              date: s.nextDay,
              daysLeft: daysBetween(today, s.lastDay),
            },
      );
    }
  }
  // Most urgent first: what has already expired, then the fewest days left.
  return items.sort((a, b) => a.daysLeft - b.daysLeft || a.company.localeCompare(b.company));
}
