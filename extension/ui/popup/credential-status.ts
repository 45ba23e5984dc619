/**
 * How the popup words one credential from the status snapshot: kind, label, status (an "active"
 * one past its end date reads "expired"), end date and a warning 30 days ahead. Pure, so it is
 * tested without a browser.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { SnapshotCredential } from '../../../shared/protocol/status-snapshot.ts';
import type { ExtensionStringKey } from '../strings.ts';

const DAY = 24 * 60 * 60 * 1000;
export const EXPIRY_WARNING_DAYS = 30;

export type Tone = 'ok' | 'warn' | 'bad';
type T = (key: ExtensionStringKey, values?: Readonly<Record<string, string | number>>) => string;

const STATUS_KEYS = {
  active: 'statusActive',
  pending: 'statusPending',
  expired: 'statusExpired',
  revoked: 'statusRevoked',
  failed: 'statusFailed',
  blocked: 'statusBlocked',
} as const satisfies Record<SnapshotCredential['status'], ExtensionStringKey>;

export function formatDate(ms: number, locale: Locale, withTime = false): string {
  return new Intl.DateTimeFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(ms);
}

export function describeCredential(
  c: SnapshotCredential,
  now: number,
  locale: Locale,
  t: T,
): {
  readonly kind: string;
  readonly status: string;
  readonly details: readonly string[];
  readonly tone: Tone;
} {
  const expired = c.validUntil !== undefined && c.validUntil <= now;
  const status = c.status === 'active' && expired ? 'expired' : c.status;
  const details: string[] = [];
  let tone: Tone = status === 'active' ? 'ok' : status === 'pending' ? 'warn' : 'bad';
  if (c.validUntil !== undefined && !expired) {
    details.push(t('validUntil', { date: formatDate(c.validUntil, locale) }));
    const days = Math.ceil((c.validUntil - now) / DAY);
    if (status === 'active' && days <= EXPIRY_WARNING_DAYS) {
      details.push(t('expiresSoon', { days }));
      tone = 'warn';
    }
  }
  if (c.isDefault) details.push(t('isDefault'));
  return {
    kind: t(c.kind === 'ksef-certificate' ? 'kindCertificate' : 'kindToken'),
    status: t(STATUS_KEYS[status]),
    details,
    tone,
  };
}
