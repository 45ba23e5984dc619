/** Dates, times, session methods and KSeF's list values as the screens write them (Polish or English). */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { parseKsefDateTime } from '../../../shared/ksef/response-schemas.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import type { SessionMethod } from '../../vault/records.ts';

/** A KSeF date-time (7 fractional digits, offset) or epoch ms, in the user's language; "—" when absent. */
export function formatDateTime(value: string | number | undefined, locale: Locale): string {
  if (value === undefined) return '—';
  const ms = typeof value === 'number' ? value : parseKsefDateTime(value);
  if (!Number.isFinite(ms)) return '—';
  return new Intl.DateTimeFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(ms));
}

export function formatDate(value: string | number | undefined, locale: Locale): string {
  if (value === undefined) return '—';
  const ms = typeof value === 'number' ? value : parseKsefDateTime(value);
  if (!Number.isFinite(ms)) return '—';
  return new Intl.DateTimeFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', { dateStyle: 'medium' }).format(
    new Date(ms),
  );
}

const METHOD: Readonly<Record<SessionMethod, AppStringKey>> = Object.freeze({
  'signed-request': 'methodSignedRequest',
  'ksef-certificate': 'methodKsefCertificate',
  'ksef-token': 'methodKsefToken',
  'test-certificate': 'methodTestCertificate',
});

export const methodLabel = (m: SessionMethod, t: Translate): string => t(METHOD[m]);

/** The "In wallet" column of KSeF's lists: whether the wallet holds that certificate or token, and as the default. */
export const inWalletLabel = (held: boolean, isDefault: boolean, t: Translate): string =>
  held ? (isDefault ? t('inWalletDefault') : t('yes')) : t('no');

/** A KSeF certificate name or token description without the wallet's intent nonce (` KW-<12 hex>`). */
export const displayName = (name: string): string => name.replace(/ KW-[0-9a-f]{12}$/, '');
