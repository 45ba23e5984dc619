/**
 * The text for a vault operation's failure (create, unlock, companies, settings, backup): the
 * vault's own table (vault-messages.ts, Polish and English). Kept apart from describe-error.ts so
 * that the screens that only talk to the vault do not load the KSeF client's message table.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { WalletError } from '../../../shared/result.ts';
import type { Translate } from '../../app/strings.ts';
import { MESSAGE_REASONS, vaultMessage } from '../../vault/vault-messages.ts';

export function describeVaultError(
  error: WalletError & { readonly reason?: string },
  t: Translate,
  locale: Locale,
): string {
  if (error.reason && (MESSAGE_REASONS as readonly string[]).includes(error.reason))
    return vaultMessage(error.reason, locale);
  if (error.code === 'VAULT_LOCKED') return t('errorVAULT_LOCKED');
  if (error.code === 'TIMEOUT') return t('errorWorkerGone');
  return vaultMessage(error.reason ?? error.code, locale);
}
