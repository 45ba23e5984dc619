/**
 * What a tab's status line says when a login or a refresh succeeded: the same words wherever it
 * ran (General, Certificates, Tokens, Sessions), in Polish or English.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import type { SessionSummary } from '../../flows/flow-api.ts';
import { formatDateTime, methodLabel } from './format.ts';

/** "Zalogowano do KSeF (metoda). Numer referencyjny: …" */
export const loggedInMessage = (s: Pick<SessionSummary, 'method' | 'referenceNumber'>, t: Translate) =>
  t('loggedIn', { method: methodLabel(s.method, t), ref: s.referenceNumber });

/** "Nowy token dostępowy ważny do …" after "Odśwież". */
export const sessionRefreshedMessage = (
  s: Pick<SessionSummary, 'accessValidUntil'>,
  t: Translate,
  locale: Locale,
) => t('sessionRefreshed', { time: formatDateTime(s.accessValidUntil, locale) });
