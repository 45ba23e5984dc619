/**
 * Settings. Language works now (stored in localStorage: not a secret, and needed before unlock).
 * Lock, auto-lock, passphrase, backup and ERP approvals belong to the vault.
 */
import { LOCALES, type Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';

export function LanguageSelect(props: {
  locale: Locale;
  onChange(l: Locale): void;
  t: Translate;
  id: string;
}) {
  const { t } = props;
  return (
    <div class="field field--inline">
      <label for={props.id}>{t('language')}</label>
      <select
        id={props.id}
        value={props.locale}
        onChange={(e) => {
          const v = e.currentTarget.value;
          const next = LOCALES.find((l) => l === v);
          if (next) props.onChange(next);
        }}
      >
        <option value="pl" lang="pl">
          {t('languagePolish')}
        </option>
        <option value="en" lang="en">
          {t('languageEnglish')}
        </option>
      </select>
    </div>
  );
}

export function SettingsScreen(props: {
  locale: Locale;
  onLocale(l: Locale): void;
  vaultAvailable: boolean;
  t: Translate;
}) {
  const { t } = props;
  return (
    <section aria-labelledby="settings-heading" data-testid="settings">
      <h2 id="settings-heading">{t('settings')}</h2>
      <div class="card">
        <LanguageSelect id="settings-language" locale={props.locale} onChange={props.onLocale} t={t} />
      </div>
      <div class="card">
        <ul class="settings-list">
          <li>{t('lock')}</li>
          <li>{t('autoLock')}</li>
          <li>{t('changePassphrase')}</li>
          <li>
            {t('backupExport')} / {t('backupImport')}
          </li>
          <li>{t('approvedOrigins')}</li>
        </ul>
        {props.vaultAvailable ? null : (
          <Notice tone="info" role="note">
            <p>{t('vaultPending')}</p>
          </Notice>
        )}
      </div>
    </section>
  );
}
