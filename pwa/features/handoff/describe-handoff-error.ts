/**
 * What the user reads when a hand-off fails: our hand-off codes in the hand-off's own words, KSeF's
 * and the client's codes in the KSeF client's (shared/ksef/ksef-messages.ts, Polish and English).
 * Never a secret: errors carry codes and non-secret details only.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { describeKsefError } from '../../../shared/ksef/ksef-messages.ts';
import type { WalletError } from '../../../shared/result.ts';
import type { HandoffTranslate } from './handoff-strings.ts';

export function describeHandoffError(
  error: WalletError & { readonly reason?: string },
  t: HandoffTranslate,
  locale: Locale,
  companyName = '',
): string {
  if (error.reason === 'NO_DEFAULT_CREDENTIAL') return t('noDefaultCredential', { name: companyName });
  const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 1000));
  switch (error.code) {
    case 'NEEDS_CONFIRMATION':
      return t('errNeedsConfirmation');
    case 'SESSION_TOO_SHORT':
      return t('errSessionTooShort');
    case 'VAULT_LOCKED':
      return t('errVaultLocked');
    case 'NOT_ALLOWED':
      return t('errNotAllowed');
    case 'HANDOFF_NOT_FOUND':
      return t('errNotFound');
    case 'EXTENSION_MISSING':
      return t('errExtension');
    case 'HANDOFF_BUDGET':
    case 'LOGIN_BUDGET_EXCEEDED':
      return t('errBudget', { seconds });
    case 'INTERNAL':
    case 'BAD_MESSAGE':
    case 'BAD_PARAMS':
      return t('errInternal', { code: error.code });
    default:
      return describeKsefError(error, locale);
  }
}
