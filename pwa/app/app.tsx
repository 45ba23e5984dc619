import { useMemo, useState } from 'preact/hooks';
import { createTranslator, type Locale } from '../../shared/i18n/translate.ts';
import { ExtensionStatus } from '../features/extension-status/extension-status.tsx';
import { createExtensionLink } from '../platform/extension-link.ts';
import { APP_STRINGS } from './strings.ts';

export function App() {
  const [locale, setLocale] = useState<Locale>(() =>
    localStorage.getItem('ksef-wallet.locale') === 'en' ? 'en' : 'pl',
  );
  const t = createTranslator(APP_STRINGS, locale);
  const link = useMemo(() => createExtensionLink(), []);
  return (
    <main>
      <header>
        <h1>{t('appTitle')}</h1>
        <p>{t('tagline')}</p>
        <label>
          {t('language')}{' '}
          <select
            value={locale}
            onChange={(e) => {
              const next: Locale = e.currentTarget.value === 'en' ? 'en' : 'pl';
              localStorage.setItem('ksef-wallet.locale', next);
              document.documentElement.lang = next;
              setLocale(next);
            }}
          >
            <option value="pl">Polski</option>
            <option value="en">English</option>
          </select>
        </label>
      </header>
      <ExtensionStatus link={link} t={t} />
    </main>
  );
}
