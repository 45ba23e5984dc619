/**
 * The chosen language survives reloads. localStorage is fine here: the choice is not a secret
 * and must be known before the vault is unlocked.
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from '../../shared/i18n/translate.ts';

const KEY = 'ksef-wallet.locale';

export function loadLocale(): Locale {
  const stored = localStorage.getItem(KEY);
  return isLocale(stored) ? stored : DEFAULT_LOCALE;
}

export function saveLocale(locale: Locale): void {
  localStorage.setItem(KEY, locale);
}
